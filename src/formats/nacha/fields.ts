// Fixed-position field helpers shared by every record module. The parser runs them millions of times per
// upload, so they work on character codes of the line in place: no regex, no intermediate strings, and
// "invalid" is signalled with a sentinel (-1 / false) rather than an exception or an allocated result.

/** One field of a record layout. Positions are NACHA's: 1-based, inclusive. */
export interface FieldSpec {
  /** snake_case; this is the `field` of every error about it. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** As NACHA writes it: N (digits), AN (printable), TTTTAAAA, YYMMDD, HHMM, JJJ, a constant, or reserved. */
  readonly format: string;
  readonly description: string;
}

export type Layout = readonly FieldSpec[];

/** The field covering a 0-based column, for errors found by scanning the whole line. */
export function fieldAt(layout: Layout, column: number): string {
  const position = column + 1;
  for (const field of layout) {
    if (position >= field.start && position <= field.end) return field.name;
  }
  return 'record';
}

export function fieldSpec(layout: Layout, name: string): FieldSpec {
  for (const field of layout) if (field.name === name) return field;
  // Layouts are static: a missing name is a programming error caught by the layout tests.
  throw new Error(`no field ${name} in layout`);
}

/**
 * The digits in [start, end) (0-based, end exclusive) as a number, or -1 if any character is not a digit.
 * Callers keep end - start <= 15 so the result is always a safe integer.
 */
export function digits(line: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Up to 20 digits as a bigint (the ADV control totals are wider than 2^53), or -1n. */
export function bigDigits(line: string, start: number, end: number): bigint {
  if (end - start <= 15) {
    const v = digits(line, start, end);
    return v < 0 ? -1n : BigInt(v);
  }
  const split = end - 10;
  const hi = digits(line, start, split);
  const lo = digits(line, split, end);
  if (hi < 0 || lo < 0) return -1n;
  return BigInt(hi) * 10_000_000_000n + BigInt(lo);
}

export function isDigits(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

export function isBlank(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (line.charCodeAt(i) !== 32) return false;
  return true;
}

/** Left-justified alphanumeric fields are blank-padded; the value is what is left between the blanks. */
export function text(line: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (e > s && line.charCodeAt(e - 1) === 32) e--;
  while (s < e && line.charCodeAt(s) === 32) s++;
  return s === start && e === end ? line.slice(start, end) : line.slice(s, e);
}

/**
 * ABA routing number check: 3, 7, 1 weights over the eight-digit identification and the check digit
 * must sum to a multiple of ten. `start` is the first of nine digits, already known to be digits.
 */
export function abaCheckDigitValid(line: string, start: number): boolean {
  const s = start;
  const sum =
    3 * (line.charCodeAt(s) + line.charCodeAt(s + 3) + line.charCodeAt(s + 6)) +
    7 * (line.charCodeAt(s + 1) + line.charCodeAt(s + 4) + line.charCodeAt(s + 7)) +
    (line.charCodeAt(s + 2) + line.charCodeAt(s + 5) + line.charCodeAt(s + 8));
  // Character codes are digit + 48; the weights (3 + 7 + 1) x 3 add 48 x 33 = 1584 to the sum.
  return (sum - 1584) % 10 === 0;
}

/** The check digit that makes an eight-digit identification a valid routing number. */
export function abaCheckDigit(identification: string): number {
  const d = (i: number): number => identification.charCodeAt(i) - 48;
  const sum = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5));
  return (10 - (sum % 10)) % 10;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Two-digit years are windowed: 00-69 -> 2000-2069, 70-99 -> 1970-1999. ACH started in the 1970s, so no
 * real file predates the window; revisit in 2069.
 */
export function fullYear(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

/** Marks a date field that is neither a real date nor one of the accepted "no date" spellings. */
export const INVALID_DATE = false;

/**
 * YYMMDD at `start` as YYYY-MM-DD. All blanks or all zeros mean "no date" (ENR batches, returns and
 * generated files leave the effective date so) and give null; anything else that is not a real calendar
 * date gives INVALID_DATE.
 */
export function yymmdd(line: string, start: number): string | null | typeof INVALID_DATE {
  const value = digits(line, start, start + 6);
  if (value < 0) return isBlank(line, start, start + 6) ? null : INVALID_DATE;
  if (value === 0) return null;
  const yy = Math.floor(value / 10000);
  const mm = Math.floor(value / 100) % 100;
  const dd = value % 100;
  const year = fullYear(yy);
  if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(year, mm)) return INVALID_DATE;
  return `${year}-${line.slice(start + 2, start + 4)}-${line.slice(start + 4, start + 6)}`;
}

/** HHMM at `start`: '' when blank (the field is optional), the four digits when a real time, else false. */
export function hhmm(line: string, start: number): string | false {
  if (isBlank(line, start, start + 4)) return '';
  const value = digits(line, start, start + 4);
  if (value < 0 || Math.floor(value / 100) > 23 || value % 100 > 59) return false;
  return line.slice(start, start + 4);
}

/** Index of the first character outside printable ASCII (0x20-0x7E), or -1. */
export function firstInvalidCharacter(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 32 || c > 126) return i;
  }
  return -1;
}

/** The character at `index` written for a message: printable as itself, anything else as its code. */
export function describeCharacter(line: string, index: number): string {
  const c = line.charCodeAt(index);
  return c >= 32 && c <= 126 ? `'${line[index]}'` : `0x${c.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Last four characters of an account number, the only part Sluice ever keeps. */
export function last4(account: string): string {
  return account.length <= 4 ? account : account.slice(account.length - 4);
}

/**
 * The last four non-blank-trailing characters of [start, end) without reading the whole field into a
 * string; '' when the field is blank.
 */
export function lastFourOf(line: string, start: number, end: number): string {
  let e = end;
  while (e > start && line.charCodeAt(e - 1) === 32) e--;
  if (e === start) return '';
  let s = e - 4;
  if (s < start) s = start;
  while (line.charCodeAt(s) === 32) s++;
  return line.slice(s, e);
}
