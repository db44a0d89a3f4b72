import type { ErrorCode } from '../errors/catalogue.js';
import { NON_FINITE_MARKS } from '../http/json-text.js';
import { badTextIn, nonFiniteProblem, textProblem } from '../http/text-guard.js';
import { normalizeCurrency } from '../money/currencies.js';
import type { PropertyType } from '../properties/property-definition.table.js';
import { STREAM_KEY_PATTERN } from '../streams/data-stream.schemas.js';
import type { Direction } from './record.table.js';

// One record's validation, shared by POST/PATCH /records and by the bulk engine for every item. It runs
// once per ingested row (millions per upload), so it avoids per-call regexes, closures and try/catch, and
// allocates nothing on the success path beyond the draft itself. Messages name the field and the problem
// but never echo the value: values can be huge, and may be account data.

export interface RecordDraft {
  data_stream_key: string;
  date: string;
  amount: number;
  direction: Direction;
  /** Uppercase ISO 4217. */
  currency: string;
  description: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
  /** JSON.stringify(metadata), computed once: it is both the size check and what gets stored. */
  metadataJson: string;
}

export interface ItemError {
  code: ErrorCode;
  message: string;
  field?: string;
}

export type ValidationResult = { ok: true; draft: RecordDraft } | { ok: false; error: ItemError };

export const DESCRIPTION_MAX_CHARS = 1000;
export const EXTERNAL_ID_MAX_CHARS = 255;
export const METADATA_MAX_BYTES = 16 * 1024;
export const DEFAULT_CURRENCY = 'USD';

const REQUIRED = ['date', 'data_stream_key', 'amount', 'direction'] as const;
const STREAM_KEY = new RegExp(STREAM_KEY_PATTERN);

/**
 * Whether a string could be a data stream key at all. Callers use it to answer "no such stream" without a
 * query, which also keeps strings PostgreSQL cannot hold in text (NUL) away from the database.
 */
export function isPossibleStreamKey(key: string): boolean {
  return STREAM_KEY.test(key);
}

/** The last check of a record, where callers then look the stream up: a key no stream could have. */
export function checkStreamKey(key: string): ItemError | undefined {
  return isPossibleStreamKey(key) ? undefined : err('unknown_data_stream', 'data_stream_key', 'data_stream_key names no data stream in this environment');
}

/**
 * Metadata is stored as JSON text, so NUL and lone surrogates in it are kept as `\u` escapes and come back
 * exactly as sent, on both databases (unlike the text columns). Only the marks of non-finite numbers are
 * refused, and serialized JSON shows them as `\udfff`: metadata without one needs no walk, one indexOf.
 */
function metadataTextError(value: () => Record<string, unknown>, json: string): ItemError | undefined {
  if (json.indexOf('\\udfff') === -1) return undefined;
  const found = badTextIn(value(), 'metadata', nonFiniteProblem);
  return found ? err('invalid_metadata', 'metadata', `${found.path} ${found.problem}`) : undefined;
}

function fail(code: ErrorCode, field: string | undefined, message: string): { ok: false; error: ItemError } {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}

function err(code: ErrorCode, field: string, message: string): ItemError {
  return { code, message, field };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Length in characters (code points), not UTF-16 units: an emoji counts once. Counts only when it matters. */
function withinChars(value: string, max: number): boolean {
  if (value.length <= max) return true;
  if (value.length > max * 2) return false;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++count > max) return false;
  }
  return true;
}

function utf8Bytes(value: string): number {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three: most strings are decided without counting.
  if (value.length * 3 <= METADATA_MAX_BYTES) return value.length;
  if (value.length > METADATA_MAX_BYTES) return value.length;
  return Buffer.byteLength(value, 'utf8');
}

// ---------------------------------------------------------------------------------------------------------
// Dates and times, by character codes: no regex, no Date object.

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at i as a number, or -1. */
function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD` starting at 0, a real calendar date, year 0001-9999. */
function isDatePrefix(s: string): boolean {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const hi = two(s, 0);
  const lo = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) return false;
  const year = hi * 100 + lo;
  return year >= 1 && day <= daysInMonth(year, month);
}

export function isDate(value: string): boolean {
  return value.length === 10 && isDatePrefix(value);
}

/** RFC 3339 date-time with a zone: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, `T`/`Z` any case. */
export function isDateTime(value: string): boolean {
  if (value.length < 20 || !isDatePrefix(value)) return false;
  const t = value.charCodeAt(10);
  if (t !== 84 && t !== 116) return false;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false;
  const hour = two(value, 11);
  const minute = two(value, 14);
  const second = two(value, 17);
  // 60 is RFC 3339's leap second.
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  let i = 19;
  if (value.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < value.length && digit(value, i) >= 0) i++;
    if (i === start) return false;
  }
  const z = value.charCodeAt(i);
  if (z === 90 || z === 122) return i + 1 === value.length;
  if (z !== 43 && z !== 45) return false;
  if (value.length !== i + 6 || value.charCodeAt(i + 3) !== 58) return false;
  const offH = two(value, i + 1);
  const offM = two(value, i + 4);
  return offH >= 0 && offH <= 23 && offM >= 0 && offM <= 59;
}

// ---------------------------------------------------------------------------------------------------------
// Single fields. Each returns undefined when the value is acceptable. PATCH uses them one by one.

export function checkAmount(value: unknown): ItemError | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return undefined;
  if ((typeof value === 'number' && !Number.isFinite(value)) || (typeof value === 'string' && NON_FINITE_MARKS.has(value))) {
    return err('invalid_amount', 'amount', 'amount is not a finite number (a literal such as 1e400 is beyond any amount)');
  }
  if (typeof value === 'string') {
    return err('invalid_amount', 'amount', 'amount must be a JSON number (integer minor units), not a string');
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return err('invalid_amount', 'amount', 'amount is outside the safe integer range (±9007199254740991 minor units)');
  }
  if (typeof value === 'number') {
    return err('invalid_amount', 'amount', 'amount must be a whole number of minor units (e.g. 1234 for 12.34 USD)');
  }
  return err('invalid_amount', 'amount', 'amount must be an integer number of minor units');
}

export function checkDirection(value: unknown): ItemError | undefined {
  if (value === 'credit' || value === 'debit') return undefined;
  return err('invalid_direction', 'direction', 'direction must be "credit" or "debit"');
}

export function checkDate(value: unknown): ItemError | undefined {
  if (typeof value === 'string' && isDate(value)) return undefined;
  return err('invalid_date', 'date', 'date must be a real calendar date written YYYY-MM-DD');
}

export function checkDescription(value: unknown): ItemError | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'string') return err('invalid_description', 'description', 'description must be a string');
  const problem = textProblem(value);
  if (problem) return err('invalid_description', 'description', `description ${problem}`);
  if (!withinChars(value, DESCRIPTION_MAX_CHARS)) {
    return err('invalid_description', 'description', `description is longer than ${DESCRIPTION_MAX_CHARS} characters`);
  }
  return undefined;
}

export function checkExternalId(value: unknown): ItemError | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'string') return err('invalid_external_id', 'external_id', 'external_id must be a string');
  if (value.length === 0) return err('invalid_external_id', 'external_id', 'external_id must not be empty; omit it instead');
  const problem = textProblem(value);
  if (problem) return err('invalid_external_id', 'external_id', `external_id ${problem}`);
  if (!withinChars(value, EXTERNAL_ID_MAX_CHARS)) {
    return err('invalid_external_id', 'external_id', `external_id is longer than ${EXTERNAL_ID_MAX_CHARS} characters`);
  }
  return undefined;
}

/** Serializes the metadata object and checks its size; returns the JSON or the error. */
export function serializeMetadata(value: unknown): string | ItemError {
  if (!isPlainObject(value)) {
    return err('invalid_metadata', 'metadata', `metadata must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    // Only something that JSON itself cannot hold (absurd nesting depth): one try per record, not per field.
    return err('invalid_metadata', 'metadata', 'metadata cannot be serialized as JSON');
  }
  return checkMetadataJson(json, () => value as Record<string, unknown>) ?? json;
}

/**
 * The checks on metadata once it is JSON text (`JSON.stringify` of a plain object): its size, and the marks
 * of non-finite numbers, for which `value` is read (parsed, for a staged record) only when one is there.
 */
export function checkMetadataJson(json: string, value: () => Record<string, unknown>): ItemError | undefined {
  if (utf8Bytes(json) > METADATA_MAX_BYTES) {
    return err('invalid_metadata', 'metadata', `metadata is larger than ${METADATA_MAX_BYTES} bytes serialized (16 KiB)`);
  }
  return metadataTextError(value, json);
}

/** The currency as stored (uppercase ISO 4217), `USD` when absent, or the error. */
export function checkCurrency(value: unknown): string | ItemError {
  if (value === undefined) return DEFAULT_CURRENCY;
  const normalized = typeof value === 'string' ? normalizeCurrency(value) : undefined;
  return normalized ?? err('invalid_currency', 'currency', 'currency must be an ISO 4217 code such as USD or EUR (omit it for USD)');
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Validates one submitted record. Unknown fields are ignored (a client may echo a fetched record back).
 * `null` counts as absent for the required fields (-> missing_required_field) and for description and
 * external_id (-> none); a `null` currency or metadata is rejected rather than silently defaulted.
 */
export function validateRecordFields(input: unknown): ValidationResult {
  if (!isPlainObject(input)) return fail('invalid_record', undefined, 'the record must be a JSON object');

  for (let i = 0; i < REQUIRED.length; i++) {
    const field = REQUIRED[i]!;
    const value = input[field];
    // Object.prototype has none of these names, so a plain read cannot pick up an inherited value.
    if (value === undefined || value === null) {
      return fail('missing_required_field', field, `${field} is required`);
    }
  }

  const streamKey = input.data_stream_key;
  if (typeof streamKey !== 'string') {
    return fail('unknown_data_stream', 'data_stream_key', 'data_stream_key must be a string naming a data stream');
  }

  let e = checkDate(input.date) ?? checkAmount(input.amount) ?? checkDirection(input.direction);
  if (e) return { ok: false, error: e };

  const currency = checkCurrency(input.currency);
  if (typeof currency !== 'string') return { ok: false, error: currency };

  const description = input.description ?? null;
  const externalId = input.external_id ?? null;
  e = checkDescription(description) ?? checkExternalId(externalId);
  if (e) return { ok: false, error: e };

  let metadata: Record<string, unknown>;
  let metadataJson: string;
  const rawMetadata = input.metadata;
  if (rawMetadata === undefined) {
    metadata = {};
    metadataJson = '{}';
  } else {
    const json = serializeMetadata(rawMetadata);
    if (typeof json !== 'string') return { ok: false, error: json };
    metadata = rawMetadata as Record<string, unknown>;
    metadataJson = json;
  }

  // Last, where callers check that the stream exists: the same record gets the same first error either way.
  const keyError = checkStreamKey(streamKey);
  if (keyError) return { ok: false, error: keyError };

  const amount = input.amount as number;
  return {
    ok: true,
    draft: {
      data_stream_key: streamKey,
      date: input.date as string,
      // -0 is a valid JSON number; it is stored and shown as 0.
      amount: amount === 0 ? 0 : amount,
      direction: input.direction as Direction,
      currency,
      description: description as string | null,
      external_id: externalId as string | null,
      metadata,
      metadataJson,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

const TYPE_WORDS: Record<PropertyType, string> = {
  number: 'a number',
  date: 'a date written YYYY-MM-DD',
  datetime: 'an RFC 3339 date-time with a time zone (e.g. 2026-01-31T09:30:00Z)',
  string: 'a string',
  boolean: 'true or false',
};

function matchesType(value: unknown, type: PropertyType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && isDate(value);
    case 'datetime':
      return typeof value === 'string' && isDateTime(value);
    default:
      return false;
  }
}

/**
 * Metadata against the stream's property definitions (SPEC 10): a defined key must hold its type, a
 * non-optional one must be present; keys without a definition are free. `null` counts as absent.
 * Returns the first problem, in definition order.
 */
export function checkMetadataAgainstDefinitions(
  metadata: Record<string, unknown>,
  definitions: ReadonlyArray<{ key: string; type: PropertyType; optional: number }>,
): ItemError | undefined {
  for (let i = 0; i < definitions.length; i++) {
    const def = definitions[i]!;
    const value = has(metadata, def.key) ? metadata[def.key] : undefined;
    if (value === undefined || value === null) {
      if (def.optional) continue;
      return err('metadata_required', `metadata.${def.key}`, `metadata.${def.key} is required by the data stream's property definitions`);
    }
    if (!matchesType(value, def.type)) {
      return err('metadata_type_mismatch', `metadata.${def.key}`, `metadata.${def.key} must be ${TYPE_WORDS[def.type]}`);
    }
  }
  return undefined;
}
