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

/** Every DFI account number of a file's entry details (positions 13-29), to prove none is stored. */
export function accountNumbers(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l[0] === '6')
    .map((l) => l.slice(12, 29).trim())
    .filter((a) => a.length > 0);
}
