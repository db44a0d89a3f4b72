import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { commonErrors, ErrorResponse } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { isPossibleStreamKey } from '../records/validate-record.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { assertStreamWritable } from '../streams/stream-guard.js';
import { addItems, insertBulkRequest } from './bulk-request.repository.js';
import { recordTargetStreams } from './bulk-request-stream.repository.js';
import { BulkRequest, serializeBulkRequest } from './bulk-request.schemas.js';
import type { OnConflict } from './bulk-request.table.js';
import { requestHash } from './idempotency.js';
import { notifyRequestChanged } from '../engine/sql/notify-change.js';

export const MAX_BULK_RECORDS = 1000;

const BulkBody = Type.Object({
  records: Type.Array(Type.Unknown({ description: 'A record as for POST /records; each is validated on its own, problems become failed results' }), {
    minItems: 1,
    maxItems: MAX_BULK_RECORDS,
  }),
  on_conflict: Type.Optional(
    Type.Enum(['skip', 'error'] as const, {
      default: 'skip',
      description: 'skip: an existing external_id is skipped and counted; error: it is a failed result',
    }),
  ),
  dry_run: Type.Optional(Type.Boolean({ description: 'Validate and report what would happen, writing no records' })),
});

const BulkQuery = Type.Object({ dry_run: Type.Optional(Type.Boolean()) });
const BulkHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

/** The distinct stream keys the items name, for a request that names more than one. */
function streamKeysOf(records: unknown[]): string[] {
  const keys = new Set<string>();
  for (const record of records) {
    const k = record !== null && typeof record === 'object' ? (record as { data_stream_key?: unknown }).data_stream_key : undefined;
    // A key that cannot name a stream (NUL, too long) is left out: PostgreSQL cannot compare NUL.
    if (typeof k === 'string' && isPossibleStreamKey(k)) keys.add(k);
  }
  return [...keys];
}

/** The one piece of data_stream_id logic (SPEC 15): set when every item names the same stream. */
function commonStreamKey(records: unknown[]): string | undefined {
  let key: string | undefined;
  for (const record of records) {
    const k = record !== null && typeof record === 'object' ? (record as { data_stream_key?: unknown }).data_stream_key : undefined;
    if (typeof k !== 'string') return undefined;
    if (key === undefined) key = k;
    else if (key !== k) return undefined;
  }
  return key;
}

export function idempotencyKeyOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (raw.length < 1 || raw.length > 255) throw new AppError('invalid_idempotency_key');
  return raw;
}

export async function bulkCreateRoutes(app: App, deps: RouteDeps) {
  const { store, config, now } = deps;

  app.post(
    '/records/bulk',
    {
      attachValidation: true,
      // A bad string fails its row (validate-record.ts), not the request.
      config: { checksOwnText: true },
      schema: {
        tags: ['Bulk requests'],
        summary: 'Bulk create records',
        description:
          'Accepts 1-1,000 records for asynchronous processing. The request and every item are on disk before the 202 is sent. Item problems become failed results, never HTTP errors.',
        headers: BulkHeaders,
        querystring: BulkQuery,
        body: BulkBody,
        response: { 202: BulkRequest, 400: ErrorResponse, 413: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        // The contract answers a bad on_conflict with 400, every other shape problem with 422.
        const onConflict = (request.body as { on_conflict?: unknown } | undefined)?.on_conflict;
        if (onConflict !== undefined && onConflict !== 'skip' && onConflict !== 'error') throw new AppError('invalid_on_conflict');
        throw request.validationError;
      }
      const body = request.body;
      const onConflict: OnConflict = body.on_conflict ?? 'skip';
      const dryRun = body.dry_run ?? request.query.dry_run ?? false;
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
      const environmentId = request.environment.id;
      const hash = idempotencyKey ? requestHash({ records: body.records, on_conflict: onConflict, dry_run: dryRun }) : null;

      const streamKey = commonStreamKey(body.records);
      // A key that cannot name a stream (NUL, too long) is not looked up: PostgreSQL cannot compare NUL.
      const stream = streamKey === undefined || !isPossibleStreamKey(streamKey) ? undefined : await findStreamByKey(store.db, environmentId, streamKey);
      const at = now();
      const { row, created } = await store.db.transaction().execute(async (trx) => {
        const inserted = await insertBulkRequest(trx, {
          environmentId,
          source: 'bulk_api',
          onConflict,
          dryRun,
          filename: null,
          dataStreamId: stream?.id ?? null,
          idempotencyKey,
          requestHash: hash,
          options: {},
          parsing: true,
          now: at,
        });
        if (!inserted.created) return inserted;
        // A replay above still answers with the original request; a new one into a stream being reset or
        // deleted is refused (its items would only fail as stream_busy). Rolls the insert back.
        if (stream) await assertStreamWritable(trx, store.caps, stream, { deleted: 'allow' });
        // data_stream_id null: the streams it targets are written beside it, for their health and busy checks.
        if (streamKey === undefined) await recordTargetStreams(trx, environmentId, inserted.row.id, streamKeysOf(body.records));
        const items = body.records.map((record, index) => ({ index, rowNumber: null, payload: JSON.stringify(record) }));
        const staged = await addItems(trx, inserted.row.id, items, true, at);
        await notifyRequestChanged(trx, store.caps, staged.id);
        return { row: staged, created: true };
      });

      if (!created) {
        if (row.request_hash !== hash) {
          throw new AppError('idempotency_key_reused', undefined, { bulk_request_id: row.id });
        }
        reply.header('idempotent-replayed', 'true');
      } else {
        store.wake();
      }
      return reply.status(202).send(serializeBulkRequest(row, now(), config.engine.stuckAfterMs));
    },
  );
}
