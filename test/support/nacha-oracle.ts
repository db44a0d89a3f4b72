// An oracle independent of Sluice's parser: the file control totals read straight off the bytes, so an
// import can be checked against what the file itself declares.

export interface DeclaredTotals {
  debit: number;
  credit: number;
  entryAddendaCount: number;
}

export function declaredTotals(text: string): DeclaredTotals {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const adv = lines.some((l) => l[0] === '5' && l.slice(50, 53) === 'ADV');
  const control = lines.find((l) => l[0] === '9' && !/^9+$/.test(l));
  if (!control) throw new Error('no file control record');
  const digits = (from: number, to: number) => Number(control.slice(from - 1, to));
  return adv
    ? { entryAddendaCount: digits(14, 21), debit: digits(32, 51), credit: digits(52, 71) }
    : { entryAddendaCount: digits(14, 21), debit: digits(32, 43), credit: digits(44, 55) };
}

/**
 * Every DFI account number of a file's entry details, to prove none is stored: positions 13-29, 13-27 in
 * ADV batches, 40-74 in IAT batches (the SEC code of the batch header decides).
 */
export function accountNumbers(text: string): string[] {
  const accounts: string[] = [];
  let sec = '';
  for (const line of text.split(/\r?\n/)) {
    if (line[0] === '5') sec = line.slice(50, 53);
    if (line[0] !== '6') continue;
    const [from, to] = sec === 'ADV' ? [12, 27] : sec === 'IAT' ? [39, 74] : [12, 29];
    const account = line.slice(from, to).trim();
    if (account.length > 0) accounts.push(account);
  }
  return accounts;
}
