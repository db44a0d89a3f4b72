// How a bulk request's item is staged when it is a record (SPEC §4 and §5): a **staged record**. The engine
// reads millions of them, so the form is the one that costs least to write and to read back (docs/engine.md,
// "Staged records"; measured in docs/performance.md §1):
//
//   date US amount US direction US currency US description US external_id US data_stream_key US metadata
//
// US is the ASCII unit separator (0x1f). An empty currency, description, external_id or metadata is one the
// record does not have (currency then USD, description and external_id null, metadata {}); an empty
// data_stream_key is the upload's own stream, which the request's options name once. The metadata is the
// text `JSON.stringify` made of it, which is what the records table stores, so the engine neither parses nor
// serializes it again (it parses it only for a stream's property definitions, or to name a bad value).
//
// Only a clean record takes this form: a safe-integer amount, text without control characters or surrogates
// (a separator, a newline or a lone surrogate could not survive it) and none of it empty, metadata a plain
// object. Anything else is staged as the JSON it always was, which the engine still reads, as it reads
// requests staged before this form existed: JSON text never holds a raw 0x1f (JSON.stringify escapes it),
// so a payload without one is JSON. Either way the engine validates the same fields in the same order and
// reports the same first error as validateRecordFields does on the object (validate-record.ts;
// test/staged-record.test.ts).

import type { Direction } from './record.table.js';
import {
  checkAmount,
  checkCurrency,
  checkDate,
  checkDescription,
  checkDirection,
  checkExternalId,
  checkMetadataJson,
  checkStreamKey,
  isPlainObject,
  validateRecordFields,
  type RecordDraft,
  type ValidationResult,
} from './validate-record.js';

/** What a file reader maps an item to (NachaRecordFields, Bai2RecordFields, Camt053RecordFields). */
export interface MappedRecord {
  date: string | null;
  amount: number | string;
  direction: Direction;
  currency: string;
  description: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
}

const US = '\x1f';
/** What the separated form cannot carry: the separator, newlines (segment-codec.ts splits on them), lone surrogates. */
const UNSAFE = /[\x00-\x1f\ud800-\udfff]/;

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '' && !UNSAFE.test(value);

/** A field that may be absent (or null): '' for absent, the text when it can go as it is, undefined when not. */
function optional(value: unknown, nullable: boolean): string | undefined {
  if (value === undefined || (nullable && value === null)) return '';
  return isText(value) ? value : undefined;
}

/** The separated form of a record, or undefined when the record is not clean enough for it. */
function separated(record: Record<string, unknown>, streamField: string): string | undefined {
  const { date, amount, direction, metadata } = record;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || !isText(date) || !isText(direction)) return undefined;
  const currency = optional(record['currency'], false);
  const description = optional(record['description'], true);
  const externalId = optional(record['external_id'], true);
  if (currency === undefined || description === undefined || externalId === undefined) return undefined;
  let metadataText = '';
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) return undefined;
    metadataText = JSON.stringify(metadata);
  }
  return `${date}${US}${amount}${US}${direction}${US}${currency}${US}${description}${US}${externalId}${US}${streamField}${US}${metadataText}`;
}

/** One record a file reader mapped, of the upload's stream. */
export function encodeStagedRecord(record: MappedRecord, dataStreamKey: string): string {
  return separated(record as unknown as Record<string, unknown>, '') ?? JSON.stringify({ ...record, data_stream_key: dataStreamKey });
}

/**
 * One record of a JSON bulk body, as the client sent it (not yet validated: anything at all). Fields the
 * contract does not know are ignored by validation, so they are not staged.
 */
export function encodeSubmittedRecord(value: unknown): string {
  if (isPlainObject(value) && isText(value['data_stream_key'])) return separated(value, value['data_stream_key']) ?? JSON.stringify(value);
  return JSON.stringify(value);
}

interface Parts {
  date: string;
  amount: number;
  direction: string;
  /** undefined: absent. */
  currency: string | undefined;
  description: string | null;
  externalId: string | null;
  streamKey: string;
  /** '' when absent. */
  metadataText: string;
}

function split(payload: string, requestStreamKey: string): Parts {
  const a = payload.indexOf(US);
  const b = payload.indexOf(US, a + 1);
  const c = payload.indexOf(US, b + 1);
  const d = payload.indexOf(US, c + 1);
  const e = payload.indexOf(US, d + 1);
  const f = payload.indexOf(US, e + 1);
  const g = payload.indexOf(US, f + 1);
  // Only Sluice writes these payloads: a missing separator is corruption, not bad input.
  if (g === -1) throw new Error('a staged record is corrupt: it has fewer than eight fields');
  return {
    date: payload.slice(0, a),
    amount: Number(payload.slice(a + 1, b)),
    direction: payload.slice(b + 1, c),
    currency: c + 1 === d ? undefined : payload.slice(c + 1, d),
    description: d + 1 === e ? null : payload.slice(d + 1, e),
    externalId: e + 1 === f ? null : payload.slice(e + 1, f),
    streamKey: f + 1 === g ? requestStreamKey : payload.slice(f + 1, g),
    metadataText: payload.slice(g + 1),
  };
}

/** A draft whose metadata object is parsed from its text only if something reads it. */
class StagedDraft implements RecordDraft {
  #metadata: Record<string, unknown> | undefined;
  constructor(
    readonly data_stream_key: string,
    readonly date: string,
    readonly amount: number,
    readonly direction: Direction,
    readonly currency: string,
    readonly description: string | null,
    readonly external_id: string | null,
    readonly metadataJson: string,
  ) {}
  get metadata(): Record<string, unknown> {
    return (this.#metadata ??= JSON.parse(this.metadataJson) as Record<string, unknown>);
  }
}

/**
 * Validates a staged record as `validateRecordFields` validates the object it stands for, check for check
 * and in the same order. `requestStreamKey` is the upload's stream ('' for a JSON bulk request, whose items
 * name their own); `json` reads a payload in the JSON form (camt.053 has a reader of its own).
 */
export function decodeStagedRecord(payload: string, requestStreamKey: string, json: (payload: string) => ValidationResult = decodeJsonRecord): ValidationResult {
  if (payload.indexOf(US) === -1) return json(payload);
  const p = split(payload, requestStreamKey);
  const error = checkDate(p.date) ?? checkAmount(p.amount) ?? checkDirection(p.direction);
  if (error) return { ok: false, error };
  const currency = checkCurrency(p.currency);
  if (typeof currency !== 'string') return { ok: false, error: currency };
  const metadataJson = p.metadataText === '' ? '{}' : p.metadataText;
  const fieldError =
    checkDescription(p.description) ??
    checkExternalId(p.externalId) ??
    checkMetadataJson(metadataJson, () => JSON.parse(metadataJson) as Record<string, unknown>) ??
    checkStreamKey(p.streamKey);
  if (fieldError) return { ok: false, error: fieldError };
  return { ok: true, draft: new StagedDraft(p.streamKey, p.date, p.amount, p.direction as Direction, currency, p.description, p.externalId, metadataJson) };
}

/** A payload in the JSON form: serialized by Sluice from an object, so it always parses. */
export const decodeJsonRecord = (payload: string): ValidationResult => validateRecordFields(JSON.parse(payload));

/**
 * The object a staged record stands for, as the JSON form holds it (the failed-rows download shows an item
 * in its original form).
 */
export function stagedRecordObject(payload: string, requestStreamKey: string): unknown {
  if (payload.indexOf(US) === -1) return JSON.parse(payload);
  const p = split(payload, requestStreamKey);
  return {
    date: p.date,
    amount: p.amount,
    direction: p.direction,
    ...(p.currency === undefined ? {} : { currency: p.currency }),
    description: p.description,
    external_id: p.externalId,
    data_stream_key: p.streamKey,
    ...(p.metadataText === '' ? {} : { metadata: JSON.parse(p.metadataText) as unknown }),
  };
}
