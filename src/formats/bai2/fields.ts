// Field-level readers shared by the record modules. BAI2 fields are comma-separated text of varying
// length; a blank field means "not given" (or the default the layout names). Each reader gives the value,
// null for blank where blank is allowed, or INVALID for a malformed value: the caller reports it with the
// record and field it came from.

export const INVALID = false;
export type Invalid = typeof INVALID;

const isDigits = (s: string) => s.length > 0 && /^[0-9]+$/.test(s);

export { isDigits };

/** A full year from a two-digit one: 70-99 are 1970-1999, 00-69 are 2000-2069 (as for NACHA dates). */
export function fullYear(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** YYMMDD as YYYY-MM-DD; null when blank. */
export function yymmdd(value: string): string | null | Invalid {
  if (value === '') return null;
  if (value.length !== 6 || !isDigits(value)) return INVALID;
  const yy = Number(value.slice(0, 2));
  const mm = Number(value.slice(2, 4));
  const dd = Number(value.slice(4, 6));
  const year = fullYear(yy);
  if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(year, mm)) return INVALID;
  return `${year}-${value.slice(2, 4)}-${value.slice(4, 6)}`;
}

/** HHMM, military time: 0000-2359, and 2400 or 9999 for "end of day" as the specification allows; '' when blank. */
export function hhmm(value: string): string | Invalid {
  if (value === '') return '';
  if (value.length !== 4 || !isDigits(value)) return INVALID;
  if (value === '2400' || value === '9999') return value;
  const h = Number(value.slice(0, 2));
  const m = Number(value.slice(2, 4));
  return h <= 23 && m <= 59 ? value : INVALID;
}

/** A signed amount (03 summaries, trailers, availability): optional + or -, then digits. Null when blank. */
export function signedAmount(value: string): bigint | null | Invalid {
  if (value === '') return null;
  const first = value.charCodeAt(0);
  const digits = first === 43 || first === 45 ? value.slice(1) : value;
  if (!isDigits(digits)) return INVALID;
  const n = BigInt(digits);
  return first === 45 ? -n : n;
}

/** An unsigned amount (16 details): digits only. Null when blank. */
export function unsignedAmount(value: string): bigint | null | Invalid {
  if (value === '') return null;
  return isDigits(value) ? BigInt(value) : INVALID;
}

/** A count (item counts, record counts, days): digits only. Null when blank. */
export function count(value: string): number | null | Invalid {
  if (value === '') return null;
  if (!isDigits(value) || value.length > 15) return INVALID;
  return Number(value);
}

/** The last four characters of an account number: all Sluice ever keeps of it. */
export function last4(account: string): string {
  return account.slice(-4);
}

/** JSON numbers only when exact: control totals can exceed 2^53 in theory. */
export function exact(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}
