// Type code ranges of the BAI2 specification (Appendix A). The individual codes are not checked against
// the table (banks use many of the customizable ones); their range is, because the range is what gives a
// summary its meaning and a detail its direction.
//
//   001-099  account status (balances)           900-919  customized status
//   100-399  credit summary and detail           920-959  customized credit summary and detail
//   400-699  debit summary and detail            960-999  customized debit summary and detail
//   700-799  loan summary (no direction: refused on a 16 detail)

import type { Direction } from './types.js';

const code = (value: string): number => (value.length === 3 && /^[0-9]{3}$/.test(value) ? Number(value) : -1);

/** A type code allowed in an account identifier (03): status or summary. */
export function isSummaryOrStatusCode(value: string): boolean {
  const n = code(value);
  return (n >= 1 && n <= 799) || (n >= 900 && n <= 999);
}

/** Whether a 03 type code is a status (balance) rather than a summary: status items carry no item count. */
export function isStatusCode(value: string): boolean {
  const n = code(value);
  return (n >= 1 && n <= 99) || (n >= 900 && n <= 919);
}

/** The direction of a transaction detail (16) type code, or undefined when its range has none. */
export function detailDirection(value: string): Direction | undefined {
  const n = code(value);
  if ((n >= 100 && n <= 399) || (n >= 920 && n <= 959)) return 'credit';
  if ((n >= 400 && n <= 699) || (n >= 960 && n <= 999)) return 'debit';
  return undefined;
}
