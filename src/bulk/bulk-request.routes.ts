import { Readable } from 'node:stream';
import fastJson from 'fast-json-stringify';
import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { decodeCursor, pageOf, parseId, parseTimestampFilter } from '../http/pagination.js';
import { commonErrors, CursorPage, CursorQuery, ErrorResponse, IdParams, Offset, QueryId } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { parseResultsFormat, type ResultsFormat } from '../keys/results-format.js';
import { bulkRequestWithResults, cancelBulkRequest, findBulkRequest, listBulkRequests, retryBulkRequest, type ResultItem } from './bulk-request.repository.js';
import {
  BULK_STATUSES,
  BulkRequest,
  bulkRequestPageSerializer,
  BulkRequestWithResults,
  bulkRequestWithResultsSerializer,
  OnConflictSchema,
  serializeBulkRequest,
} from './bulk-request.schemas.js';
import type { BulkStatus } from './bulk-request.table.js';
import { failedRowsCsv } from './failed-rows.js';
import { emitBulkRequestEnded } from '../webhooks/emit.js';
import { notifyRequestChanged } from '../engine/sql/notify-change.js';


const ListQuery = Type.Object({
  ...CursorQuery,
  data_stream_key: Type.Optional(Type.String()),
  status: Type.Optional(Type.Enum(BULK_STATUSES)),
  source: Type.Optional(Type.String({ description: 'bulk_api, csv, nacha, bai2 or camt053' })),
  stuck: Type.Optional(Type.Boolean()),
  parent_bulk_request_id: Type.Optional(QueryId),
});

const ShowQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Offset),
});

const ShowHeaders = Type.Object({
  'sluice-results-format': Type.Optional(
    Type.String({ description: "page or array: overrides the API key's results format for this call (docs/compatibility.md)" }),
  ),
});

/** Results an array answer holds when the client sends no limit: every result of the largest JSON bulk request. */
export const ARRAY_RESULTS_MAX = 1000;

const RetryBody = Type.Union([Type.Object({ on_conflict: Type.Optional(OnConflictSchema) }), Type.Null()]);

function toResult(r: ResultItem) {
  return {
    index: r.index,
    status: r.status,
    ...(r.record_id !== null ? { record_id: r.record_id } : {}),
    ...(r.status === 'failed' ? { error: r.error ?? '', error_code: r.error_code ?? '' } : {}),
    ...(r.row_number !== null ? { row_number: r.row_number } : {}),
  };
}

/** The header, when sent, decides; else the key's setting. A header that is neither value is refused. */
function resultsFormatOf(header: string | string[] | undefined, keyFormat: ResultsFormat): ResultsFormat {
  if (header === undefined) return keyFormat;
  const format = parseResultsFormat(Array.isArray(header) ? header.join(',') : header);
  if (!format) throw new AppError('invalid_results_format', undefined, { header: 'Sluice-Results-Format' });
  return format;
}

export async function bulkRequestRoutes(app: App, deps: RouteDeps) {
  const { store, config, now } = deps;
  const serialize = (row: Parameters<typeof serializeBulkRequest>[0], options?: Parameters<typeof serializeBulkRequest>[3]) =>
    serializeBulkRequest(row, now(), config.engine.stuckAfterMs, options);

  async function requestOr404(environmentId: number, rawId: string) {
    const row = await findBulkRequest(store.db, environmentId, parseId(rawId, 'bulk_request_not_found'));
    if (!row) throw new AppError('bulk_request_not_found');
    return row;
  }

  const listPage = bulkRequestPageSerializer();
  app.get(
    '/bulk_requests',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'List bulk requests',
        description: 'Newest first, cursor-paginated. Extra filters: stuck, parent_bulk_request_id.',
        querystring: ListQuery,
        response: { 200: CursorPage(BulkRequest), ...commonErrors },
      },
      serializerCompiler: ({ schema, httpStatus }) => (httpStatus === '200' ? listPage : fastJson(schema as object)) as (data: unknown) => string,
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor);
      let dataStreamId: number | null | undefined;
      if (q.data_stream_key !== undefined) {
        dataStreamId = (await findStreamByKey(store.db, request.environment.id, q.data_stream_key))?.id ?? null;
      }
      const rows = await listBulkRequests(
        store.db,
        request.environment.id,
        {
          ...(dataStreamId !== undefined ? { dataStreamId } : {}),
          ...(q.status ? { status: q.status as BulkStatus } : {}),
          ...(q.source ? { source: q.source } : {}),
          ...(q.stuck !== undefined ? { stuck: q.stuck } : {}),
          ...(q.parent_bulk_request_id !== undefined ? { parentId: q.parent_bulk_request_id } : {}),
          createdAfter: parseTimestampFilter('created_after', q.created_after),
          createdBefore: parseTimestampFilter('created_before', q.created_before),
          stuckBefore: now() - config.engine.stuckAfterMs,
        },
        after,
        limit,
      );
      const { page, nextCursor } = pageOf(rows, limit);
      return { data: page.map((r) => serialize(r, { sourceDetails: 'text' })), next_cursor: nextCursor, limit };
    },
  );

  const withResults = bulkRequestWithResultsSerializer();
  app.get(
    '/bulk_requests/:id',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'Get bulk request status and results',
        description: 'Results are ordered by index and grow as processing continues.',
        headers: ShowHeaders,
        params: IdParams,
        querystring: ShowQuery,
        response: { 200: BulkRequestWithResults, ...commonErrors },
      },
      serializerCompiler: ({ schema, httpStatus }) => (httpStatus === '200' ? withResults : fastJson(schema as object)) as (data: unknown) => string,
    },
    async (request, reply) => {
      const format = resultsFormatOf(request.headers['sluice-results-format'], request.apiKey.resultsFormat);
      // The schema fills in limit's default (50); an array answer without a limit the client sent holds
      // every result instead, up to ARRAY_RESULTS_MAX.
      const limitSent = new URLSearchParams(request.raw.url?.split('?')[1] ?? '').has('limit');
      const limit = format === 'array' && !limitSent ? ARRAY_RESULTS_MAX : (request.query.limit ?? 50);
      const offset = request.query.offset ?? 0;
      const id = parseId(request.params.id, 'bulk_request_not_found');
      const read = await bulkRequestWithResults(store.db, request.environment.id, id, offset, limit + 1);
      if (!read) throw new AppError('bulk_request_not_found');
      const { row, results: found } = read;
      const data = found.slice(0, limit).map(toResult);
      const more = found.length > limit;
      reply.header('sluice-results-format', format);
      const shown = serialize(row, { sourceDetails: 'text' });
      if (format === 'page') return { ...shown, results: { data, has_more: more, offset } };
      return {
        ...shown,
        results: data,
        results_truncated: more || offset > 0,
        // Counters and results come from one snapshot; the larger of the two still never under-reports.
        results_total: Math.max(row.processed_items, offset + data.length + (more ? 1 : 0)),
      };
    },
  );

  app.post(
    '/bulk_requests/:id/cancel',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'Cancel a bulk request',
        description: 'A pending request is cancelled at once; a processing one at its next chunk boundary. Re-cancelling bumps the timestamp.',
        params: IdParams,
        response: { 202: BulkRequest, 409: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const id = parseId(request.params.id, 'bulk_request_not_found');
      const row = await store.db.transaction().execute(async (trx) => {
        const at = now();
        const cancelled = await cancelBulkRequest(trx, store.caps, request.environment.id, id, at);
        // A pending request ends here; a processing one ends (and reports) at its worker's next chunk boundary.
        if (cancelled.status === 'cancelled') await emitBulkRequestEnded(trx, id, at);
        await notifyRequestChanged(trx, store.caps, cancelled.id);
        return cancelled;
      });
      return reply.status(202).send(serialize(row));
    },
  );

  app.post(
    '/bulk_requests/:id/retry',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'Retry a bulk request',
        description:
          "Creates a child request that re-runs the parent's failed and skipped items and every item it never processed. Returns the new request.",
        params: IdParams,
        body: Type.Optional(RetryBody),
        response: { 202: BulkRequest, 409: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const id = parseId(request.params.id, 'bulk_request_not_found');
      const onConflict = request.body?.on_conflict;
      const row = await store.db.transaction().execute(async (trx) => {
        const at = now();
        const child = await retryBulkRequest(trx, store.caps, request.environment.id, id, onConflict, at);
        // Nothing to re-run: the child completes at once (SPEC 18), and says so like any other request.
        if (child.status === 'completed') await emitBulkRequestEnded(trx, child.id, at);
        await notifyRequestChanged(trx, store.caps, child.id);
        return child;
      });
      store.wake();
      return reply.status(202).send(serialize(row));
    },
  );

  app.get(
    '/bulk_requests/:id/failed_rows.csv',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'Download failed rows as CSV',
        description:
          'The failed items (with include=skipped, also the skipped ones) in their original form plus row_number, error_code and error_message, to fix and send again.',
        params: IdParams,
        querystring: Type.Object({ include: Type.Optional(Type.Literal('skipped')) }),
        response: { 200: Type.String({ description: 'text/csv' }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const row = await requestOr404(request.environment.id, request.params.id);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="bulk-request-${row.id}-failed-rows.csv"`);
      // A stream, not a string: the body is produced a page at a time (the schema documents the text).
      return reply.send(Readable.from(failedRowsCsv(store.db, row, request.query.include === 'skipped')) as unknown as string);
    },
  );
}

