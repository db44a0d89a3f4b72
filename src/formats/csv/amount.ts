// Amount cells of a CSV upload -> integer minor units, without floating point: digits are accumulated as
// integers (exact in a double below 2^53, which is checked before every step), never parsed as a decimal
// fraction. docs/csv.md "Amounts" lists the accepted forms with examples.
//
// Major units (default): `1234.56`, `1,234.56`, `$1,234.56`, `-12.34`, `+5`, `(12.34)` (negative), `-$5`,
// `$-5`, `12.34 €`, with spaces around the sign, the symbol and the number. `,` only groups thousands (1-3
// digits, then groups of exactly 3); `.` is the decimal point. More decimals than the currency has is an
// error, even `1.000` for JPY: `1.000` may just as well be a thousand written the European way, and an
// amount must never be rounded or guessed. A currency symbol must agree with the record's currency
// (`€` EUR, `¥` JPY/CNY, `£` GBP and the other pounds; `$` is written for dozens of currencies).
// Minor units (`amount_unit=minor`): a whole number with an optional sign or parentheses.
//
// Called once per row, so it walks the string by char codes and writes its result into an object the
// caller reuses, rather than allocating one.

const MAX = Number.MAX_SAFE_INTEGER;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

const SPACE = 32;
const TAB = 9;
const NBSP = 0xa0;
const NNBSP = 0x202f;
const PLUS = 43;
const MINUS = 45;
const UNICODE_MINUS = 0x2212;
const COMMA = 44;
const DOT = 46;
const OPEN = 40;
const CLOSE = 41;
const DOLLAR = 36;
const EURO = 0x20ac;
const POUND = 0xa3;
const YEN = 0xa5;

const POUND_CURRENCIES = new Set(['GBP', 'GIP', 'FKP', 'SHP', 'EGP', 'SSP', 'SYP']);

/** Where a successful parse puts its result. */
export interface ParsedAmount {
  /** Magnitude in minor units. */
  magnitude: number;
  /** Whether the amount is below zero (zero is never negative, whatever its sign). */
  negative: boolean;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === NBSP || c === NNBSP;
}

function symbolFits(symbol: number, currency: string): boolean {
  if (symbol === DOLLAR) return true;
  if (symbol === EURO) return currency === 'EUR';
  if (symbol === YEN) return currency === 'JPY' || currency === 'CNY';
  return POUND_CURRENCIES.has(currency);
}

function symbolChar(c: number): boolean {
  return c === DOLLAR || c === EURO || c === POUND || c === YEN;
}

const NOT_A_NUMBER = 'amount must be a number such as 1234.56, -12.34, $1,234.56 or (12.34)';
const TOO_LARGE = 'amount is outside the safe integer range (±9007199254740991 minor units)';

function decimalsWord(currency: string, decimals: number): string {
  return decimals === 0 ? `${currency} has no decimal places` : `${currency} has ${decimals} decimal place${decimals === 1 ? '' : 's'}`;
}

function isSign(c: number): boolean {
  return c === MINUS || c === PLUS || c === UNICODE_MINUS;
}

/**
 * Parses an amount in major units for a currency with `decimals` decimal places. Returns undefined on
 * success (the result is in `out`), else an error message that does not echo the cell.
 */
export function parseMajorAmount(s: string, currency: string, decimals: number, out: ParsedAmount): string | undefined {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  let signed = false;
  let paren = false;
  let symbol = 0;

  let c = s.charCodeAt(i);
  if (isSign(c)) {
    negative = c !== PLUS;
    signed = true;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    c = s.charCodeAt(i);
  }
  if (c === OPEN && !signed) {
    paren = true;
    negative = true;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    c = s.charCodeAt(i);
  }
  if (symbolChar(c)) {
    symbol = c;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    c = s.charCodeAt(i);
    if (isSign(c) && !signed && !paren) {
      negative = c !== PLUS;
      signed = true;
      i++;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
    }
  }

  // Integer part, with optional thousands separators.
  let value = 0;
  let digits = 0;
  let group = -1; // digits since the last comma; -1 before any comma
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      if (value > (MAX - d) / 10) return TOO_LARGE;
      value = value * 10 + d;
      digits++;
      if (group >= 0) group++;
      continue;
    }
    if (c === COMMA) {
      // The first group has 1-3 digits, every later one exactly 3.
      if (digits === 0 || (group < 0 ? digits > 3 : group !== 3)) return NOT_A_NUMBER;
      group = 0;
      continue;
    }
    break;
  }
  if (group >= 0 && group !== 3) return NOT_A_NUMBER;

  let fraction = 0;
  if (i < n && s.charCodeAt(i) === DOT) {
    i++;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      fraction++;
      if (fraction > decimals) {
        // Count them all for the message.
        let more = i + 1;
        while (more < n && s.charCodeAt(more) - 48 >= 0 && s.charCodeAt(more) - 48 <= 9) more++;
        return `amount has ${fraction + (more - i - 1)} decimal places but ${decimalsWord(currency, decimals)}; it cannot be stored exactly`;
      }
      if (value > (MAX - d) / 10) return TOO_LARGE;
      value = value * 10 + d;
    }
  }
  if (digits + fraction === 0) return NOT_A_NUMBER;

  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (i < n && symbol === 0 && symbolChar(s.charCodeAt(i))) {
    symbol = s.charCodeAt(i);
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
  }
  if (paren) {
    if (i >= n || s.charCodeAt(i) !== CLOSE) return NOT_A_NUMBER;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
  }
  if (i !== n) return NOT_A_NUMBER;

  if (symbol !== 0 && !symbolFits(symbol, currency)) {
    return `amount is written with ${String.fromCharCode(symbol)} but the record's currency is ${currency}`;
  }

  const scale = decimals - fraction;
  if (scale > 0) {
    const factor = POW10[scale] ?? 10 ** scale;
    if (value > MAX / factor) return TOO_LARGE;
    value *= factor;
  }
  out.magnitude = value;
  out.negative = negative && value !== 0;
  return undefined;
}

/** Parses a whole number of minor units (`amount_unit=minor`); same contract as parseMajorAmount. */
export function parseMinorAmount(s: string, out: ParsedAmount): string | undefined {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  let paren = false;
  let c = s.charCodeAt(i);
  if (isSign(c)) {
    negative = c !== PLUS;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
  } else if (c === OPEN) {
    negative = true;
    paren = true;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
  }
  let value = 0;
  let digits = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    if (value > (MAX - d) / 10) return TOO_LARGE;
    value = value * 10 + d;
    digits++;
  }
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (paren) {
    if (i >= n || s.charCodeAt(i) !== CLOSE) i = -1;
    else {
      i++;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
    }
  }
  if (digits === 0 || i !== n) {
    return 'amount must be a whole number of minor units such as 123456 or -1234 (amount_unit=minor: no decimal point, separators or symbols)';
  }
  out.magnitude = value;
  out.negative = negative && value !== 0;
  return undefined;
}
