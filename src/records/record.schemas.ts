import { Type } from 'typebox';
import { currencyDecimals } from '../money/currencies.js';
import { iso } from '../http/pagination.js';
import { CursorPage, DateOnly, Nullable, Timestamp } from '../http/schemas.js';
import type { RecordRow } from './record.repository.js';
import { DESCRIPTION_MAX_CHARS, EXTERNAL_ID_MAX_CHARS } from './validate-record.js';

/** `{type: "string", enum: [...]}`, the contract's own spelling of an enum. */
export function StringEnum<const T extends string[]>(values: [...T], options: { description?: string; default?: T[number] } = {}) {
  return Type.Enum(values, { type: 'string', ...options });
}

const SafeId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Direction = StringEnum(['credit', 'debit']);
const Metadata = Type.Object({}, { additionalProperties: true, description: 'Any JSON object up to 16 KiB serialized' });

export const RecordSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Unique numeric identifier' }),
    amount: Type.Integer({ description: 'Signed integer amount in minor units of currency (1234 = 12.34 USD)' }),
    currency: Type.String({ description: 'ISO 4217 code, uppercase' }),
    decimal_places: Type.Integer({ description: 'Minor-unit decimal places of the currency (ISO 4217): JPY 0, USD 2, BHD 3' }),
    direction: Direction,
    description: Type.Optional(Type.String({ description: 'Absent when the record has none' })),
    date: DateOnly,
    metadata: Metadata,
    external_id: Type.Optional(Type.String({ description: 'Absent when the record has none' })),
    data_stream_key: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
    bulk_request_id: Nullable(Type.Integer({ description: 'The bulk request that created the record, if any' })),
    import_batch_id: Nullable(Type.Integer({ description: 'The file import that created the record, if any' })),
    source: StringEnum(['api', 'bulk_api', 'csv_upload', 'nacha_upload', 'bai2_upload', 'camt053_upload'], { description: 'How the record came in' }),
  },
  { $id: 'Record' },
);

// The request bodies below document the API; they are not what checks it. POST and PATCH bodies are
// checked by validate-record.ts, the same code that checks every bulk item, so that a record gets the same
// error code whichever way it arrives (and so that "100" is refused as an amount, where schema validation
// would coerce it to 100).

export const CreateRecordBody = Type.Object(
  {
    data_stream_key: Type.String(),
    date: DateOnly,
    amount: Type.Integer({ description: 'Integer minor units; any safe integer, negative and zero included' }),
    direction: Direction,
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', default: 'USD', description: 'ISO 4217, any case' })),
    description: Type.Optional(Nullable(Type.String({ maxLength: DESCRIPTION_MAX_CHARS }))),
    external_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: EXTERNAL_ID_MAX_CHARS }))),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: true },
);

export const UpdateRecordBody = Type.Object(
  {
    amount: Type.Optional(Type.Integer()),
    direction: Type.Optional(Direction),
    description: Type.Optional(Nullable(Type.String({ maxLength: DESCRIPTION_MAX_CHARS, description: 'null removes it' }))),
    date: Type.Optional(DateOnly),
    external_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: EXTERNAL_ID_MAX_CHARS, description: 'null removes it' }))),
    metadata: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'Merged into the existing metadata; a key set to null is removed' }),
    ),
  },
  { additionalProperties: true, description: 'currency and data_stream_key cannot be changed (422 immutable_field).' },
);

export const ListRecordsQuery = Type.Object({
  data_stream_key: Type.Optional(Type.String({ description: 'Filter by data stream key (an unknown key gives an empty list)' })),
  reconciliation_match_id: Type.Optional(Type.String({ description: 'Reconciliation is not part of Sluice: always an empty list' })),
  reconciliation_id: Type.Optional(Type.String({ description: 'Reconciliation is not part of Sluice: always an empty list' })),
  external_id: Type.Optional(Type.String()),
  import_batch_id: Type.Optional(SafeId),
  bulk_request_id: Type.Optional(SafeId),
  // Plain strings (no `format`): parseTimestampFilter checks them and names the filter in its 422.
  created_after: Type.Optional(Type.String({ description: 'RFC 3339 date-time; records created strictly after it' })),
  created_before: Type.Optional(Type.String({ description: 'RFC 3339 date-time; records created strictly before it' })),
  source: Type.Optional(StringEnum(['csv_upload', 'nacha_upload', 'bai2_upload', 'camt053_upload', 'bulk_api', 'api'])),
  status: Type.Optional(StringEnum(['matched', 'unmatched'], { description: 'Sluice does not reconcile: every record is unmatched' })),
  cursor: Type.Optional(Type.String({ description: 'Opaque cursor from a previous next_cursor. Omit for the first page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const RecordPage = CursorPage(RecordSchema);

/**
 * The API shape of a record. `description` and `external_id` are left out when null, because the contract
 * declares them as strings (not nullable) and a strict client would choke on a null.
 */
export function serializeRecord(row: RecordRow, dataStreamKey: string) {
  return {
    id: row.id,
    amount: row.amount,
    currency: row.currency,
    // Stored currencies were all accepted by the table, so the fallback only guards a code later dropped from it.
    decimal_places: currencyDecimals(row.currency) ?? 2,
    direction: row.direction,
    ...(row.description !== null ? { description: row.description } : {}),
    date: row.date,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    ...(row.external_id !== null ? { external_id: row.external_id } : {}),
    data_stream_key: dataStreamKey,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    bulk_request_id: row.bulk_request_id,
    import_batch_id: row.import_batch_id,
    source: row.source,
  };
}
