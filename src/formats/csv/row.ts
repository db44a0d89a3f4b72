// One CSV row -> one record draft. The cells are turned into the same input object a JSON client would send
// and handed to validateRecordFields, so a CSV record obeys exactly the rules of the API; what is CSV's own
// (column count, amounts in major units with symbols and separators, date formats, CR/DR, the sign as
// direction, metadata columns) is decided here first. docs/csv.md describes every rule. Runs once per row
// in the worker: no regexes, and nothing allocated beyond the record itself.

import { currencyDecimals, normalizeCurrency } from '../../money/currencies.js';
import type { PropertyType } from '../../properties/property-definition.table.js';
import { DEFAULT_CURRENCY, isDate, validateRecordFields, type ItemError, type ValidationResult } from '../../records/validate-record.js';
import { parseMajorAmount, parseMinorAmount, type ParsedAmount } from './amount.js';
import type { CsvColumnPlan } from './columns.js';

export type CsvDateFormat = 'YYYY-MM-DD' | 'MM/DD/YYYY' | 'DD/MM/YYYY';
export const CSV_DATE_FORMATS: readonly CsvDateFormat[] = ['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY'];
export type CsvAmountUnit = 'major' | 'minor';

export interface CsvRowContext {
  dataStreamKey: string;
  /** `major` (default): 1234.56 means 1234.56 USD. `minor`: 123456 means 123456 cents. */
  amountUnit?: CsvAmountUnit;
  /** How the date column is written; YYYY-MM-DD unless named. */
  dateFormat?: CsvDateFormat;
  /** Currency of rows without a currency column or with an empty currency cell; USD unless given. */
  defaultCurrency?: string;
  /**
   * The stream's property definitions, key -> type. CSV cells are text; metadata keys defined as `number`
   * or `boolean` are converted when the cell reads as one (else left as text, which the definition check
   * then reports). Without it every metadata value is a string.
   */
  propertyTypes?: Readonly<Record<string, PropertyType>>;
}

export type CsvRowResult = ValidationResult;

const SLASH = 47;
const parsed: ParsedAmount = { magnitude: 0, negative: false };

function fail(code: ItemError['code'], field: string | undefined, message: string): { ok: false; error: ItemError } {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}

/** 1 or 2 digits at s[i..end) as a number, or -1. */
function smallNumber(s: string, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > 2) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `M/D/YYYY` or `D/M/YYYY` (1 or 2 digits for day and month) -> `YYYY-MM-DD`, or undefined. */
function slashDate(s: string, monthFirst: boolean): string | undefined {
  const first = s.indexOf('/');
  const second = first < 0 ? -1 : s.indexOf('/', first + 1);
  if (second < 0 || s.length - second - 1 !== 4) return undefined;
  const a = smallNumber(s, 0, first);
  const b = smallNumber(s, first + 1, second);
  if (a < 1 || b < 1) return undefined;
  for (let i = second + 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
  }
  const month = monthFirst ? a : b;
  const day = monthFirst ? b : a;
  const iso = `${s.slice(second + 1)}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
  return isDate(iso) ? iso : undefined;
}

function dateError(format: CsvDateFormat): string {
  return format === 'YYYY-MM-DD'
    ? 'date must be a real calendar date written YYYY-MM-DD (for other layouts name date_format: MM/DD/YYYY or DD/MM/YYYY)'
    : `date must be a real calendar date written ${format} (date_format)`;
}

/** credit/debit/CR/DR in any case; undefined for anything else. */
function direction(s: string): 'credit' | 'debit' | undefined {
  switch (s) {
    case 'credit':
    case 'CR':
      return 'credit';
    case 'debit':
    case 'DR':
      return 'debit';
  }
  if (s.length !== 2 && s.length !== 5 && s.length !== 6) return undefined;
  switch (s.toLowerCase()) {
    case 'credit':
    case 'cr':
      return 'credit';
    case 'debit':
    case 'dr':
      return 'debit';
    default:
      return undefined;
  }
}

function isNumberText(s: string): boolean {
  // JSON's number grammar, plus a leading '+' and a bare '.5' / '5.': what a spreadsheet writes.
  let i = 0;
  const n = s.length;
  if (s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43) i++;
  let digits = 0;
  while (i < n && s.charCodeAt(i) - 48 >= 0 && s.charCodeAt(i) - 48 <= 9) i++, digits++;
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && s.charCodeAt(i) - 48 >= 0 && s.charCodeAt(i) - 48 <= 9) i++, digits++;
  }
  if (digits === 0) return false;
  if (i < n && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
    i++;
    if (i < n && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43)) i++;
    const start = i;
    while (i < n && s.charCodeAt(i) - 48 >= 0 && s.charCodeAt(i) - 48 <= 9) i++;
    if (i === start) return false;
  }
  return i === n;
}

function metadataValue(cell: string, type: PropertyType | undefined): unknown {
  if (type === 'number') {
    const text = cell.trim();
    if (isNumberText(text)) {
      const value = Number(text);
      if (Number.isFinite(value)) return value;
    }
  } else if (type === 'boolean') {
    const text = cell.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return cell;
}

/**
 * Converts one data row. Checks run in a fixed order and the first problem is the row's error: column count,
 * unnamed columns, date, currency, amount, direction, then everything validateRecordFields checks.
 */
export function csvRowToRecord(plan: CsvColumnPlan, cells: readonly string[], ctx: CsvRowContext): CsvRowResult {
  if (cells.length !== plan.columns) {
    return fail(
      'invalid_row',
      undefined,
      `the row has ${cells.length} field${cells.length === 1 ? '' : 's'} but the header has ${plan.columns} (check the delimiter and the quotes)`,
    );
  }
  for (let k = 0; k < plan.unnamed.length; k++) {
    const column = plan.unnamed[k]!;
    if (cells[column]!.trim() !== '') {
      return fail('invalid_row', undefined, `column ${column + 1} has no header name but this row has a value in it`);
    }
  }

  // Date
  const rawDate = cells[plan.date]!.trim();
  if (rawDate === '') return fail('missing_required_field', 'date', 'date is required');
  const format = ctx.dateFormat ?? 'YYYY-MM-DD';
  let date: string | undefined;
  if (format === 'YYYY-MM-DD') date = isDate(rawDate) ? rawDate : undefined;
  else date = rawDate.charCodeAt(1) === SLASH || rawDate.charCodeAt(2) === SLASH ? slashDate(rawDate, format === 'MM/DD/YYYY') : undefined;
  if (date === undefined) return fail('invalid_date', 'date', dateError(format));

  // Currency, before the amount: its decimal places decide what the amount means.
  let currency: string | undefined;
  if (plan.currency >= 0) {
    const rawCurrency = cells[plan.currency]!.trim();
    if (rawCurrency !== '') {
      currency = normalizeCurrency(rawCurrency);
      if (currency === undefined) {
        return fail('invalid_currency', 'currency', 'currency must be an ISO 4217 code such as USD or EUR (or empty for the default)');
      }
    }
  }
  if (currency === undefined) {
    currency = ctx.defaultCurrency === undefined ? DEFAULT_CURRENCY : normalizeCurrency(ctx.defaultCurrency);
    if (currency === undefined) return fail('invalid_currency', 'currency', 'the default currency must be an ISO 4217 code such as USD');
  }

  // Amount
  const rawAmount = cells[plan.amount]!;
  if (rawAmount.trim() === '') return fail('missing_required_field', 'amount', 'amount is required');
  const problem = ctx.amountUnit === 'minor' ? parseMinorAmount(rawAmount, parsed) : parseMajorAmount(rawAmount, currency, currencyDecimals(currency)!, parsed);
  if (problem !== undefined) return fail('invalid_amount', 'amount', problem);
  const magnitude = parsed.magnitude;
  const negative = parsed.negative;

  // Direction: the column when it says something, else the sign.
  let dir: 'credit' | 'debit' = negative ? 'debit' : 'credit';
  if (plan.direction >= 0) {
    const rawDirection = cells[plan.direction]!.trim();
    if (rawDirection !== '') {
      const given = direction(rawDirection);
      if (given === undefined) {
        return fail('invalid_direction', 'direction', 'direction must be credit, debit, CR or DR (or empty to take it from the sign of the amount)');
      }
      if (negative) {
        return fail(
          'invalid_amount',
          'amount',
          `amount is negative while direction says ${given}: give the amount without a sign when the direction column is filled, or leave direction empty to let the sign decide`,
        );
      }
      dir = given;
    }
  }

  let description: string | undefined;
  if (plan.description >= 0) {
    const text = cells[plan.description]!.trim();
    if (text !== '') description = text;
  }
  let externalId: string | undefined;
  if (plan.external_id >= 0) {
    const text = cells[plan.external_id]!.trim();
    if (text !== '') externalId = text;
  }

  const metadata: Record<string, unknown> = {};
  const types = ctx.propertyTypes;
  for (let k = 0; k < plan.metadata.length; k++) {
    const entry = plan.metadata[k]!;
    const cell = cells[entry[0]]!;
    // An empty (or blank) cell means "no value": the key is left out.
    if (cell === '' || (cell.charCodeAt(0) <= 32 && cell.trim() === '')) continue;
    const key = entry[1];
    const value = types === undefined ? cell : metadataValue(cell, Object.prototype.hasOwnProperty.call(types, key) ? types[key] : undefined);
    if (key === '__proto__') Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
    else metadata[key] = value;
  }

  return validateRecordFields({
    data_stream_key: ctx.dataStreamKey,
    date,
    amount: magnitude,
    direction: dir,
    currency,
    description,
    external_id: externalId,
    metadata,
  });
}
