// ISO 20022 amounts are decimals written as text ("8.850"): they are read exactly, never as a float.
// A value is held as a bigint count of 10^-SCALE units, so sums of any number of entries stay exact and the
// balance check compares exactly what the file says, whatever the currency's minor unit.

import { currencyDecimals } from '../../money/currencies.js';

/** The XSD's fractionDigits is 5; reading up to 5 covers every version. */
export const MAX_FRACTION_DIGITS = 5;
/** totalDigits 18. */
export const MAX_TOTAL_DIGITS = 18;
const SCALE = 10n ** BigInt(MAX_FRACTION_DIGITS);

/**
 * An ISO 20022 amount (`ActiveOrHistoricCurrencyAndAmount` and kin): digits with an optional point, at most
 * 5 fraction digits and 18 digits in all, no sign (the direction is CdtDbtInd's). XSD decimals also allow a
 * leading `+`, `.5` and `5.`, and whitespace around (collapsed): accepted as the schema does.
 * Returns the value in 10^-5 units, or undefined.
 */
export function parseDecimal(text: string): bigint | undefined {
  let s = text.trim();
  if (s.charCodeAt(0) === 43) s = s.slice(1); // +
  const point = s.indexOf('.');
  const whole = point === -1 ? s : s.slice(0, point);
  const fraction = point === -1 ? '' : s.slice(point + 1);
  if (whole.length + fraction.length === 0) return undefined;
  for (let i = 0; i < whole.length; i++) {
    const c = whole.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  for (let i = 0; i < fraction.length; i++) {
    const c = fraction.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  if (fraction.length > MAX_FRACTION_DIGITS) return undefined;
  let significant = whole.replace(/^0+/, '');
  if (significant.length + fraction.length > MAX_TOTAL_DIGITS) return undefined;
  if (significant === '') significant = '0';
  return BigInt(significant) * SCALE + BigInt(fraction.padEnd(MAX_FRACTION_DIGITS, '0') || '0');
}

/** The canonical text of a 10^-5 value, with at least `minFraction` fraction digits (`1815000n` -> "18.15"). */
export function formatDecimal(value: bigint, minFraction = 2): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / SCALE;
  let fraction = (abs % SCALE).toString().padStart(MAX_FRACTION_DIGITS, '0').replace(/0+$/, '');
  if (fraction.length < minFraction) fraction = fraction.padEnd(minFraction, '0');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

export type MinorUnits =
  | { ok: true; minor: number }
  | { ok: false; reason: 'unknown_currency' | 'fraction' | 'too_large'; decimals?: number };

/** A 10^-5 value in minor units of `currency` ("8.850" EUR is 885 cents), when it is a whole number of them. */
export function toMinorUnits(value: bigint, currency: string): MinorUnits {
  const decimals = currencyDecimals(currency);
  if (decimals === undefined) return { ok: false, reason: 'unknown_currency' };
  const divisor = 10n ** BigInt(MAX_FRACTION_DIGITS - decimals);
  if (value % divisor !== 0n) return { ok: false, reason: 'fraction', decimals };
  const minor = value / divisor;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'too_large', decimals };
  return { ok: true, minor: Number(minor) };
}
