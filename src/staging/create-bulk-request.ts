import type { Store } from '../db/connect.js';
import { addItems, insertBulkRequest, type BulkRequestRow } from '../bulk/bulk-request.repository.js';
import { idempotencyKeyOf } from '../bulk/idempotency.js';
import { recordTargetStreams } from '../bulk/bulk-request-stream.repository.js';
import { notifyRequestChanged } from '../engine/sql/notify-change.js';
import { AppError } from '../errors/app-error.js';
import { isPossibleStreamKey } from '../records/validate-record.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { assertStreamWritable } from '../streams/stream-guard.js';
import { readBulkBody } from './bulk-body.js';

/** One `POST /v1/records/bulk`, as the API thread hands it on: the raw body and what the URL and headers said. */
export interface BulkCreate {
  environmentId: number;
  /** The `Idempotency-Key` header as sent (checked here, after the body: a bad body is named first). */
  idempotencyKey: string | undefined;
  /** `?dry_run=` of the URL, already validated. */
  queryDryRun: boolean | undefined;
  body: Uint8Array;
  /** The API's clock at arrival (tests pin it). */
  now: number;
}

export interface BulkCreated {
  row: BulkRequestRow;
  /** False for a replay of an idempotency key: `row` is the original request and nothing was written. */
  created: boolean;
}

/**
 * Reads the body and stages the request as one segment, in one transaction: the `202` comes only once both
 * are on disk. Run on a staging thread (staging-threads.ts) or, with `SLUICE_STAGING_THREADS=0` and in
 * `buildApp`, on the API thread: the same function either way.
 */
export async function createBulkRequest(store: Store, input: BulkCreate): Promise<BulkCreated> {
  const raw = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const body = readBulkBody(raw, { queryDryRun: input.queryDryRun, idempotent: input.idempotencyKey !== undefined });
  const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
  const { environmentId, now } = input;
  const { streamKey } = body;
  // A key that cannot name a stream (NUL, too long) is not looked up: PostgreSQL cannot compare NUL.
  const stream = streamKey === undefined || !isPossibleStreamKey(streamKey) ? undefined : await findStreamByKey(store.db, environmentId, streamKey);
  const result = await store.db.transaction().execute(async (trx) => {
    const inserted = await insertBulkRequest(trx, {
      environmentId,
      source: 'bulk_api',
      onConflict: body.onConflict,
      dryRun: body.dryRun,
      filename: null,
      dataStreamId: stream?.id ?? null,
      idempotencyKey,
      requestHash: body.hash,
      options: {},
      parsing: true,
      now,
    });
    if (!inserted.created) return inserted;
    // A replay above still answers with the original request; a new one into a stream being reset or
    // deleted is refused (its items would only fail as stream_busy). Rolls the insert back.
    if (stream) await assertStreamWritable(trx, store.caps, stream, { deleted: 'allow' });
    // data_stream_id null: the streams it targets are written beside it, for their health and busy checks.
    if (streamKey === undefined) await recordTargetStreams(trx, environmentId, inserted.row.id, body.streamKeys);
    const staged = await addItems(trx, inserted.row.id, body.items, true, now);
    await notifyRequestChanged(trx, store.caps, staged.id);
    return { row: staged, created: true };
  });
  if (!result.created && result.row.request_hash !== body.hash) {
    throw new AppError('idempotency_key_reused', undefined, { bulk_request_id: result.row.id });
  }
  return result;
}
