// The funds type of a summary (03) or detail (16) and the extra fields it brings: V a value date and
// time, S three availability amounts, D a count of distributions and that many (days, amount) pairs.

import type { Report, Bai2RecordName } from './errors.js';
import { count, hhmm, INVALID, signedAmount, yymmdd } from './fields.js';
import type { FieldSpec } from './layout.js';
import type { FundsType, FundsTypeCode } from './types.js';

export const FUNDS_TYPE_FIELDS: readonly FieldSpec[] = [
  { name: 'funds_type', presence: 'optional', description: '`0` immediate, `1` one-day, `2` two-or-more-day availability, `V` value dated, `S` distributed availability, `D` distributed availability by days, `Z` unknown; blank means unknown' },
  { name: 'value_date', presence: 'optional', description: 'V only: YYMMDD date the funds become available; required for V' },
  { name: 'value_time', presence: 'optional', description: 'V only: HHMM time on the value date' },
  { name: 'immediate_availability', presence: 'optional', description: 'S only: amount available immediately (signed, minor units)' },
  { name: 'one_day_availability', presence: 'optional', description: 'S only: amount available in one day' },
  { name: 'two_or_more_day_availability', presence: 'optional', description: 'S only: amount available in two or more days' },
  { name: 'distribution_count', presence: 'optional', description: 'D only: number of distributions that follow; required for D' },
  { name: 'distribution_days', presence: 'repeating', description: 'D only: days until the amount is available' },
  { name: 'distribution_amount', presence: 'repeating', description: 'D only: the amount available after those days' },
];

const CODES = new Set<string>(['', '0', '1', '2', 'V', 'S', 'D', 'Z']);

/**
 * How many fields the funds type at `i` occupies (itself and its extras), or -1 while it cannot be told
 * yet (a D whose count has not arrived: its continuation brings it).
 */
export function fundsWidth(fields: readonly string[], i: number): number {
  const code = fields[i];
  if (code === undefined) return -1;
  if (code === 'V') return 3;
  if (code === 'S') return 4;
  if (code === 'D') {
    const n = fields[i + 1];
    if (n === undefined) return -1;
    const c = count(n);
    return c === null || c === INVALID ? 2 : 2 + 2 * c;
  }
  return 1;
}

/** Reads the funds type at `i`; reports and returns null when it or its extras are malformed. */
export function readFunds(fields: readonly string[], i: number, line: number, record: Bai2RecordName, report: Report): { funds: FundsType; next: number } | null {
  const code = fields[i] ?? '';
  if (!CODES.has(code)) {
    report(line, record, 'funds_type', 'invalid_funds_type', `funds type must be 0, 1, 2, V, S, D, Z or blank; got ${JSON.stringify(code.slice(0, 10))}`);
    return null;
  }
  const funds: FundsType = { code: code as FundsTypeCode };
  if (code === 'V') {
    if (fields.length < i + 2) {
      report(line, record, 'value_date', 'invalid_funds_type', 'funds type V needs a value date');
      return null;
    }
    const date = yymmdd(fields[i + 1]!);
    if (date === INVALID || date === null) {
      report(line, record, 'value_date', date === null ? 'invalid_funds_type' : 'invalid_date', 'funds type V needs a real YYMMDD value date');
      return null;
    }
    const time = hhmm(fields[i + 2] ?? '');
    if (time === INVALID) {
      report(line, record, 'value_time', 'invalid_time', 'the value time must be a real HHMM time or blank');
      return null;
    }
    funds.valueDate = date;
    funds.valueTime = time;
    return { funds, next: i + 3 };
  }
  if (code === 'S') {
    if (fields.length < i + 4) {
      report(line, record, 'immediate_availability', 'invalid_funds_type', 'funds type S needs three availability fields (immediate, one-day, two-or-more-day)');
      return null;
    }
    const names = ['immediate_availability', 'one_day_availability', 'two_or_more_day_availability'] as const;
    const values: (bigint | null)[] = [];
    for (let k = 0; k < 3; k++) {
      const v = signedAmount(fields[i + 1 + k]!);
      if (v === INVALID) {
        const name = names[k]!;
        report(line, record, name, 'invalid_amount', `${name.replace(/_/g, ' ')} must be digits with an optional sign`);
        return null;
      }
      values.push(v);
    }
    funds.immediate = values[0]!;
    funds.oneDay = values[1]!;
    funds.twoOrMoreDays = values[2]!;
    return { funds, next: i + 4 };
  }
  if (code === 'D') {
    const n = count(fields[i + 1] ?? '');
    if (n === INVALID || n === null) {
      report(line, record, 'distribution_count', 'invalid_funds_type', 'funds type D needs the number of distributions');
      return null;
    }
    if (fields.length < i + 2 + 2 * n) {
      report(line, record, 'distribution_count', 'invalid_funds_type', `funds type D announces ${n} distributions; fewer follow`);
      return null;
    }
    const distributions: { days: number; amount: bigint }[] = [];
    for (let k = 0; k < n; k++) {
      const days = count(fields[i + 2 + 2 * k]!);
      const amount = signedAmount(fields[i + 3 + 2 * k]!);
      if (days === INVALID || days === null) {
        report(line, record, 'distribution_days', 'invalid_funds_type', `distribution ${k + 1}: days must be digits`);
        return null;
      }
      if (amount === INVALID || amount === null) {
        report(line, record, 'distribution_amount', 'invalid_amount', `distribution ${k + 1}: the amount must be digits with an optional sign`);
        return null;
      }
      distributions.push({ days, amount });
    }
    funds.distributions = distributions;
    return { funds, next: i + 2 + 2 * n };
  }
  return { funds, next: i + 1 };
}

/** The funds type as JSON for metadata and source_details (amounts exact). */
export function fundsJson(funds: FundsType): Record<string, unknown> {
  const out: Record<string, unknown> = { code: funds.code };
  if (funds.code === 'V') {
    out['value_date'] = funds.valueDate;
    if (funds.valueTime) out['value_time'] = funds.valueTime;
  }
  return out;
}
