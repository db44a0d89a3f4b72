import fastJson from 'fast-json-stringify';
import { Type, type Static, type TSchema } from 'typebox';
import { iso } from '../http/pagination.js';
import { Nullable, NullableTimestamp, Timestamp } from '../http/schemas.js';
import type { BulkRequestRow } from './bulk-request.repository.js';

export const BULK_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;

const Status = Type.Enum(BULK_STATUSES, {
  description: 'pending = queued, processing = records being inserted, completed = all rows processed, failed = job errored, cancelled = cancellation honoured at a chunk boundary',
});
export const OnConflictSchema = Type.Enum(['skip', 'error'] as const);

const bulkRequestProperties = {
  id: Type.Integer(),
  status: Status,
  source: Nullable(Type.String({ description: 'bulk_api, csv, nacha, bai2 or camt053' })),
  total_items: Type.Integer(),
  processed_items: Type.Integer(),
  successful_items: Type.Integer(),
  failed_items: Type.Integer(),
  skipped_items: Type.Integer({ description: 'Items skipped because their external_id already existed (on_conflict: skip)' }),
  progress: Type.Integer({ description: 'floor(processed_items × 100 / total_items); 100 when total_items is 0' }),
  filename: Nullable(Type.String()),
  created_at: Timestamp,
  started_at: NullableTimestamp,
  completed_at: NullableTimestamp,
  last_progress_at: NullableTimestamp,
  cancellation_requested_at: NullableTimestamp,
  parsing: Type.Boolean({ description: 'True while an upload is still being parsed and staged' }),
  stuck: Type.Boolean({ description: 'processing, and no progress for longer than the stuck threshold (5 minutes by default)' }),
  error_message: Nullable(Type.String()),
  error_details: Type.Object({}, { additionalProperties: true, description: 'Structured error context; {} when there is none' }),
  parent_bulk_request_id: Nullable(Type.Integer()),
  on_conflict: OnConflictSchema,
  data_stream_id: Nullable(Type.Integer()),
  // Sluice's additions
  url: Type.String({ description: 'Where to poll this request' }),
  dry_run: Type.Boolean(),
  source_details: Type.Optional(Type.Object({}, { additionalProperties: true })),
};

export const BulkRequest = Type.Object(bulkRequestProperties, { $id: 'BulkRequest' });

export const BulkResult = Type.Object({
  index: Type.Integer({ description: 'Zero-based position in the original request' }),
  status: Type.Enum(['successful', 'failed', 'skipped'] as const),
  record_id: Type.Optional(Nullable(Type.Integer({ description: 'Created record (successful) or the existing one (skipped)' }))),
  error: Type.Optional(Type.String()),
  error_code: Type.Optional(Type.String()),
  row_number: Type.Optional(Type.Integer({ description: 'Line in the uploaded file, for uploads' })),
});

const ResultsPage = Type.Object(
  { data: Type.Array(BulkResult), has_more: Type.Boolean(), offset: Type.Integer() },
  { title: 'ResultsPage', description: 'results_format page (the default, as the contract has it): one page of results' },
);
const ResultsArray = Type.Array(BulkResult, {
  title: 'ResultsArray',
  description: 'results_format array: every result in index order (the first 1,000, or the limit/offset window when sent)',
});

/** Static type of `results`, either shape; the schema below says oneOf, which TypeBox has no builder for. */
export type Results = Static<typeof ResultsPage> | Static<typeof ResultsArray>;

const resultsExtras = {
  results_truncated: Type.Optional(
    Type.Boolean({ description: 'results_format array only: true when results holds fewer than the request has (the first 1,000, or a limit/offset window)' }),
  ),
  results_total: Type.Optional(Type.Integer({ description: 'results_format array only: how many results the request has so far' })),
};

export const BulkRequestWithResults = Type.Object({
  ...bulkRequestProperties,
  // The page shape comes last: a reader of the contract's shape finds its fields in the last variant.
  results: Type.Unsafe<Results>({
    oneOf: [ResultsArray, ResultsPage],
    description: "Shape set by the API key's results format, or per call by the Sluice-Results-Format header (docs/compatibility.md)",
  }),
  ...resultsExtras,
});

/**
 * Serializes a BulkRequestWithResults answer by the shape its `results` has, with one serializer compiled
 * per shape when the route is registered. Fastify's own serializer would check each answer against both
 * variants of the `oneOf` with ajv (compiling that check on the first answer: 30-40 ms, measured) to pick
 * one; the shape is known here (an array or a page), so nothing is checked.
 */
export function bulkRequestWithResultsSerializer(): (value: { results: Results; [SOURCE_DETAILS_TEXT]?: string | null }) => string {
  const shape = (results: TSchema) => Type.Object({ ...bulkRequestProperties, results, ...resultsExtras });
  const asArray = fastJson(shape(ResultsArray) as object);
  const asPage = fastJson(shape(ResultsPage) as object);
  return (value) => spliceSourceDetails(Array.isArray(value.results) ? asArray(value) : asPage(value), value[SOURCE_DETAILS_TEXT] ?? null);
}

/**
 * Where a serializer finds `source_details` as stored (JSON text) to splice into the answer, instead of
 * parsing it and serializing it again. A BAI2 upload's lists up to 200 accounts' balances, about 89 KB in
 * the bench's file, and the status read is polled: parsing and re-serializing it made about 0.3 MB of
 * short-lived objects per read (docs/performance.md §6). A symbol, so no serializer emits it as a field.
 */
export const SOURCE_DETAILS_TEXT = Symbol('source_details text');

/**
 * GET /v1/bulk_requests (CursorPage of BulkRequest), each request's `source_details` spliced as stored, as
 * the status read does: a page of 50 BAI2 uploads carries 50 of them (about 4.5 MB with the bench's file).
 */
export function bulkRequestPageSerializer(): (value: { data: ReadonlyArray<BulkRequestView>; next_cursor: string | null; limit: number }) => string {
  const item = fastJson(BulkRequest as object);
  return (value) => {
    const data = value.data.map((r) => spliceSourceDetails(item(r), r[SOURCE_DETAILS_TEXT] ?? null)).join(',');
    return `{"data":[${data}],"next_cursor":${JSON.stringify(value.next_cursor)},"limit":${JSON.stringify(value.limit)}}`;
  };
}

/** One bulk request as JSON text with its `source_details` spliced as stored (live events send one per change). */
export function bulkRequestJson(row: BulkRequestRow, now: number, stuckAfterMs: number): string {
  return spliceSourceDetails(JSON.stringify(serializeBulkRequest(row, now, stuckAfterMs, { sourceDetails: 'text' })), row.source_details);
}

/** The answer with `"source_details": <text>` added as its last field; the text is what JSON.stringify wrote. */
export function spliceSourceDetails(serialized: string, text: string | null): string {
  if (text === null) return serialized;
  if (!serialized.endsWith('}') || serialized === '{}') throw new Error('spliceSourceDetails wants a serialized object with fields');
  return `${serialized.slice(0, -1)},"source_details":${text}}`;
}

export function progressOf(row: Pick<BulkRequestRow, 'processed_items' | 'total_items'>): number {
  return row.total_items === 0 ? 100 : Math.floor((row.processed_items * 100) / row.total_items);
}

/** A bulk request as serializeBulkRequest gives it, `source_details` parsed or as stored. */
export type BulkRequestView = ReturnType<typeof serializeBulkRequest> & { [SOURCE_DETAILS_TEXT]?: string | null };

/** `sourceDetails: 'text'` hands `source_details` over as stored, under SOURCE_DETAILS_TEXT, for a serializer that splices it. */
export function serializeBulkRequest(row: BulkRequestRow, now: number, stuckAfterMs: number, options: { sourceDetails?: 'parsed' | 'text' } = {}) {
  const stuck = row.status === 'processing' && (row.last_progress_at ?? row.started_at ?? row.created_at) < now - stuckAfterMs;
  return {
    id: row.id,
    status: row.status,
    source: row.source,
    total_items: row.total_items,
    processed_items: row.processed_items,
    successful_items: row.successful_items,
    failed_items: row.failed_items,
    skipped_items: row.skipped_items,
    progress: progressOf(row),
    filename: row.filename,
    created_at: iso(row.created_at),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
    last_progress_at: iso(row.last_progress_at),
    cancellation_requested_at: iso(row.cancellation_requested_at),
    parsing: row.parsing === 1,
    stuck,
    error_message: row.error_message,
    // Always an object, as the contract types it: a client may read error_details.errors without a guard.
    error_details: row.error_details !== null ? (JSON.parse(row.error_details) as Record<string, unknown>) : {},
    parent_bulk_request_id: row.parent_bulk_request_id,
    on_conflict: row.on_conflict,
    data_stream_id: row.data_stream_id,
    url: `/v1/bulk_requests/${row.id}`,
    dry_run: row.dry_run === 1,
    ...(options.sourceDetails === 'text'
      ? { [SOURCE_DETAILS_TEXT]: row.source_details }
      : row.source_details !== null
        ? { source_details: JSON.parse(row.source_details) as Record<string, unknown> }
        : {}),
  };
}
