// NACHA transaction codes (entry detail positions 2-3). The first digit is the receiver's account type,
// the second what the entry does to it. Looked up per entry, so the table is a flat array indexed by the
// two-digit code rather than a map of objects.

export type Direction = 'credit' | 'debit';
export type AccountType = 'checking' | 'savings' | 'general_ledger' | 'loan' | 'accounting' | 'unknown';

export const TX_KNOWN = 1;
export const TX_CREDIT = 2;
export const TX_DEBIT = 4;
/** Prenotification: proves the account, moves no money (x3, x8). */
export const TX_PRENOTE = 8;
/** Zero-dollar entry carrying remittance data only (x4, x9). */
export const TX_ZERO_DOLLAR = 16;
/** Automated return or notification of change of an earlier entry (x1, x6). */
export const TX_RETURN_OR_NOC = 32;
/** Automated accounting advice, only in ADV batches (81-88). */
export const TX_ADV = 64;

const FLAGS = new Uint8Array(100);

for (const first of [2, 3, 4]) {
  const base = first * 10;
  FLAGS[base + 1] = TX_KNOWN | TX_CREDIT | TX_RETURN_OR_NOC;
  FLAGS[base + 2] = TX_KNOWN | TX_CREDIT;
  FLAGS[base + 3] = TX_KNOWN | TX_CREDIT | TX_PRENOTE;
  FLAGS[base + 4] = TX_KNOWN | TX_CREDIT | TX_ZERO_DOLLAR;
  FLAGS[base + 6] = TX_KNOWN | TX_DEBIT | TX_RETURN_OR_NOC;
  FLAGS[base + 7] = TX_KNOWN | TX_DEBIT;
  FLAGS[base + 8] = TX_KNOWN | TX_DEBIT | TX_PRENOTE;
  FLAGS[base + 9] = TX_KNOWN | TX_DEBIT | TX_ZERO_DOLLAR;
}
// Loan accounts take credits; the only debit is 55 (reversal of an erroneous credit) and its return 56.
FLAGS[51] = TX_KNOWN | TX_CREDIT | TX_RETURN_OR_NOC;
FLAGS[52] = TX_KNOWN | TX_CREDIT;
FLAGS[53] = TX_KNOWN | TX_CREDIT | TX_PRENOTE;
FLAGS[54] = TX_KNOWN | TX_CREDIT | TX_ZERO_DOLLAR;
FLAGS[55] = TX_KNOWN | TX_DEBIT;
FLAGS[56] = TX_KNOWN | TX_DEBIT | TX_RETURN_OR_NOC;
// ADV: odd codes are credits, even codes debits (81/82 originated, 83/84 received, 85/86 rejected
// batches, 87/88 summary for respondent activity).
for (let code = 81; code <= 88; code++) FLAGS[code] = TX_KNOWN | TX_ADV | (code % 2 === 1 ? TX_CREDIT : TX_DEBIT);

const ACCOUNT_TYPES: readonly AccountType[] = [
  'unknown', 'unknown', 'checking', 'savings', 'general_ledger', 'loan', 'unknown', 'unknown', 'accounting', 'unknown',
];

/** Flags of a known code, or 0. `code` is 0-99 (two digits) or -1 for a non-numeric field. */
export function transactionCodeFlags(code: number): number {
  return code >= 0 && code < 100 ? (FLAGS[code] ?? 0) : 0;
}

/**
 * Flags for a code that is not in the table, used only under allowUnknownTransactionCodes: the last digit
 * keeps its usual meaning (1-4 credit, 5-9 debit, 3/8 prenote, 4/9 zero-dollar); 0 means nothing and
 * stays an error.
 */
export function guessedTransactionCodeFlags(code: number): number {
  const last = code % 10;
  if (code < 0 || last === 0) return 0;
  let flags = TX_KNOWN | (last <= 4 ? TX_CREDIT : TX_DEBIT);
  if (last === 3 || last === 8) flags |= TX_PRENOTE;
  if (last === 4 || last === 9) flags |= TX_ZERO_DOLLAR;
  if (last === 1 || last === 6) flags |= TX_RETURN_OR_NOC;
  return flags;
}

export function accountTypeOf(code: number): AccountType {
  return code >= 0 && code < 100 ? (ACCOUNT_TYPES[Math.floor(code / 10)] ?? 'unknown') : 'unknown';
}

/** The documented table, for docs/nacha.md and its sync test. */
export function knownTransactionCodes(): number[] {
  const codes: number[] = [];
  for (let code = 0; code < 100; code++) if ((FLAGS[code] ?? 0) & TX_KNOWN) codes.push(code);
  return codes;
}
