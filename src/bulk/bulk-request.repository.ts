import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { Store } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { Keyset } from '../http/pagination.js';
import { copyItems, stageItems, type StagedItem } from '../engine/sql/stage-items.js';
import type { BulkRequestTable, BulkSource, BulkStatus, OnConflict } from './bulk-request.table.js';
import { UNRETRYABLE_KINDS } from './upload-failure-kinds.js';
import { copyTargetStreams } from './bulk-request-stream.repository.js';
import { assertStreamWritable } from '../streams/stream-guard.js';

export type BulkRequestRow = Selectable<BulkRequestTable>;

export interface NewBulkRequest {
  environmentId: number;
  source: BulkSource;
  onConflict: OnConflict;
  dryRun: boolean;
  filename: string | null;
  dataStreamId: number | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  options: Record<string, unknown>;
  /** Uploads start `parsing` with no items yet; JSON requests arrive whole. */
  parsing: boolean;
  now: number;
}

/**
 * Inserts the request row, or finds the one already holding its idempotency key (then `created` is false
 * and nothing is written). ON CONFLICT DO NOTHING waits for a concurrent first use of the same key to
 * commit, so two concurrent first uses yield exactly one request.
 */
export async function insertBulkRequest(trx: Transaction<Database>, req: NewBulkRequest): Promise<{ row: BulkRequestRow; created: boolean }> {
  const values = {
    environment_id: req.environmentId,
    status: 'pending' as BulkStatus,
    source: req.source,
    on_conflict: req.onConflict,
    dry_run: req.dryRun ? 1 : 0,
    filename: req.filename,
    data_stream_id: req.dataStreamId,
    parent_bulk_request_id: null,
    idempotency_key: req.idempotencyKey,
    request_hash: req.requestHash,
    options: JSON.stringify(req.options),
    source_details: null,
    parsing: req.parsing ? 1 : 0,
    total_items: 0,
    processed_items: 0,
    successful_items: 0,
    failed_items: 0,
    skipped_items: 0,
    next_index: 0,
    claims: 0,
    released_claims: 0,
    lease_owner: null,
    lease_expires_at: null,
    error_message: null,
    error_details: null,
    created_at: req.now,
    started_at: null,
    completed_at: null,
    last_progress_at: null,
    cancellation_requested_at: null,
  };
  const inserted = await trx
    .insertInto('bulk_requests')
    .values(values)
    .onConflict((oc) => oc.columns(['environment_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const existing = await trx
    .selectFrom('bulk_requests')
    .selectAll()
    .where('environment_id', '=', req.environmentId)
    .where('idempotency_key', '=', req.idempotencyKey)
    .executeTakeFirstOrThrow();
  return { row: existing, created: false };
}

/**
 * Stages items and sets the total. With `finished`, the request becomes claimable (`parsing` off), and a
 * request with nothing to do completes at once with progress 100 (SPEC 18).
 */
export async function addItems(
  trx: Transaction<Database>,
  store: Store,
  bulkRequestId: number,
  items: StagedItem[],
  finished: boolean,
  now: number,
): Promise<BulkRequestRow> {
  await stageItems(trx, store, bulkRequestId, items);
  return countStagedItems(trx, bulkRequestId, items.length, finished, now).executeTakeFirstOrThrow();
}

/** The request's side of staging `count` items: its total, and whether the file is whole. */
export function countStagedItems(db: Kysely<Database>, bulkRequestId: number, count: number, finished: boolean, now: number) {
  const emptyAndDone = sql<boolean>`total_items + ${count} = 0 AND ${finished ? 1 : 0} = 1`;
  return db
    .updateTable('bulk_requests')
    .set({
      total_items: sql`total_items + ${count}`,
      parsing: finished ? 0 : 1,
      status: sql`CASE WHEN ${emptyAndDone} THEN 'completed' ELSE status END`,
      completed_at: sql`CASE WHEN ${emptyAndDone} THEN ${now} ELSE completed_at END`,
    })
    .where('id', '=', bulkRequestId)
    .returningAll();
}

/**
 * `addItems` for a batch of an upload, in a transaction of its own, by `COPY` where the database has it
 * (`copyFrom`): the batch is one stream of lines instead of array literals. The request's update is the
 * same statement as `addItems` runs, compiled by Kysely and sent on the same connection.
 */
export async function addUploadBatch(store: Store, bulkRequestId: number, items: StagedItem[], now: number): Promise<BulkRequestRow> {
  if (!store.caps.copyFrom || store.raw.kind !== 'postgres') {
    return store.db.transaction().execute((trx) => addItems(trx, store, bulkRequestId, items, false, now));
  }
  const client = await store.raw.pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await copyItems(client, bulkRequestId, items);
    const update = countStagedItems(store.db, bulkRequestId, items.length, false, now).compile();
    const result = await client.query<BulkRequestRow>(update.sql, update.parameters as unknown[]);
    await client.query('COMMIT');
    return result.rows[0]!;
  } catch (error) {
    // A connection that cannot even roll back goes back to the pool as broken, to be replaced.
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}

export async function findBulkRequest(db: Kysely<Database>, environmentId: number, id: number): Promise<BulkRequestRow | undefined> {
  return db.selectFrom('bulk_requests').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
}

export interface BulkListFilters {
  dataStreamId?: number | null;
  status?: BulkStatus;
  source?: string;
  createdAfter?: number;
  createdBefore?: number;
  stuck?: boolean;
  parentId?: number;
  stuckBefore: number;
}

export async function listBulkRequests(db: Kysely<Database>, environmentId: number, filters: BulkListFilters, after: Keyset | undefined, limit: number) {
  let query = db.selectFrom('bulk_requests').selectAll().where('environment_id', '=', environmentId);
  if (filters.dataStreamId !== undefined) {
    if (filters.dataStreamId === null) return [];
    query = query.where('data_stream_id', '=', filters.dataStreamId);
  }
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.source) query = query.where('source', '=', filters.source as BulkSource);
  if (filters.createdAfter !== undefined) query = query.where('created_at', '>', filters.createdAfter);
  if (filters.createdBefore !== undefined) query = query.where('created_at', '<', filters.createdBefore);
  if (filters.parentId !== undefined) query = query.where('parent_bulk_request_id', '=', filters.parentId);
  if (filters.stuck === true) {
    query = query.where('status', '=', 'processing').where('last_progress_at', '<', filters.stuckBefore);
  } else if (filters.stuck === false) {
    query = query.where((eb) => eb.or([eb('status', '!=', 'processing'), eb('last_progress_at', '>=', filters.stuckBefore)]));
  }
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export interface ResultItem {
  index: number;
  status: 'successful' | 'failed' | 'skipped';
  record_id: number | null;
  error_code: string | null;
  error: string | null;
  row_number: number | null;
}

/**
 * Results ordered by index: successful items are the request's records (by `item_index`), the rest are
 * result rows. Each branch is ordered and limited on its own index (bulk_request_id, item_index) before
 * the merge, so a page costs offset + limit index entries per branch, not a sort of the whole request
 * (which made status reads of a million-row request take ~100 ms).
 */
export async function resultsPage(db: Kysely<Database>, bulkRequestId: number, offset: number, limit: number): Promise<ResultItem[]> {
  const reach = offset + limit;
  const rows = await sql<Omit<ResultItem, 'row_number'> & { item_index: number }>`
    SELECT item_index, status, record_id, error_code, error FROM (
      SELECT * FROM (
        SELECT item_index, 'successful' AS status, id AS record_id, NULL AS error_code, NULL AS error
        FROM records WHERE bulk_request_id = ${bulkRequestId}
        ORDER BY item_index LIMIT ${reach}
      ) successes
      UNION ALL
      SELECT * FROM (
        SELECT item_index, status, record_id, error_code, error
        FROM bulk_request_results WHERE bulk_request_id = ${bulkRequestId}
        ORDER BY item_index LIMIT ${reach}
      ) others
    ) r
    ORDER BY item_index
    LIMIT ${limit} OFFSET ${offset}
  `.execute(db);
  if (rows.rows.length === 0) return [];
  const indexes = rows.rows.map((r) => r.item_index);
  const numbers = await db
    .selectFrom('bulk_request_items')
    .select(['item_index', 'row_number'])
    .where('bulk_request_id', '=', bulkRequestId)
    .where('item_index', 'in', indexes)
    .where('row_number', 'is not', null)
    .execute();
  const rowNumberOf = new Map(numbers.map((n) => [n.item_index, n.row_number]));
  return rows.rows.map((r) => ({
    index: r.item_index,
    status: r.status,
    record_id: r.record_id,
    error_code: r.error_code,
    error: r.error,
    row_number: rowNumberOf.get(r.item_index) ?? null,
  }));
}

/**
 * SPEC 20. A pending request ends `cancelled` at once; a processing one gets `cancellation_requested_at` and
 * its worker ends it at the next chunk boundary. Re-cancelling bumps the timestamp. The row lock (or
 * SQLite's write lock) orders this against a concurrent claim, so a request is never both.
 */
export async function cancelBulkRequest(
  trx: Transaction<Database>,
  caps: Capabilities,
  environmentId: number,
  id: number,
  now: number,
): Promise<BulkRequestRow> {
  const row = await trx
    .selectFrom('bulk_requests')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .$if(caps.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw new AppError('bulk_request_not_found');
  if (row.status === 'pending') {
    return trx
      .updateTable('bulk_requests')
      .set({ status: 'cancelled', cancellation_requested_at: now, completed_at: now, parsing: 0 })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (row.status === 'processing') {
    return trx.updateTable('bulk_requests').set({ cancellation_requested_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }
  throw new AppError('bulk_request_not_cancellable', `Bulk request ${id} is ${row.status}; only pending or processing requests can be cancelled.`, {
    status: row.status,
  });
}

/**
 * SPEC 21. The child re-runs the parent's failed and skipped items and every item the parent never
 * processed (at or after its checkpoint), keeping their indexes, so retrying a cancelled request loses
 * nothing. Copying is one INSERT ... SELECT inside the database, whatever the size.
 */
export async function retryBulkRequest(
  trx: Transaction<Database>,
  caps: Capabilities,
  environmentId: number,
  id: number,
  onConflict: OnConflict | undefined,
  now: number,
): Promise<BulkRequestRow> {
  const parent = await trx
    .selectFrom('bulk_requests')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .$if(caps.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!parent) throw new AppError('bulk_request_not_found');
  if (parent.status !== 'failed' && parent.status !== 'cancelled') {
    throw new AppError('bulk_request_not_retryable', `Bulk request ${id} is ${parent.status}; only failed or cancelled requests can be retried.`, {
      status: parent.status,
    });
  }
  const kind = parent.error_details ? (JSON.parse(parent.error_details) as { kind?: string }).kind : undefined;
  if (kind !== undefined && UNRETRYABLE_KINDS.has(kind)) {
    throw new AppError(
      'bulk_request_not_retryable',
      `Bulk request ${id} ended before its file was received whole (${kind}); nothing of it was staged. Upload the file again.`,
      { status: parent.status, kind },
    );
  }
  const child = await trx.selectFrom('bulk_requests').select('id').where('parent_bulk_request_id', '=', id).executeTakeFirst();
  if (child) {
    throw new AppError('bulk_request_already_retried', `Bulk request ${id} was already retried as ${child.id}; retry that one instead.`, {
      child_bulk_request_id: child.id,
    });
  }
  // Like a new request, a retry does not start into a stream being deleted or reset (409 stream_busy).
  const stream = parent.data_stream_id === null ? undefined : await trx.selectFrom('data_streams').select(['id', 'key']).where('id', '=', parent.data_stream_id).executeTakeFirst();
  if (stream) await assertStreamWritable(trx, caps, stream, { deleted: 'allow' });
  const created = await trx
    .insertInto('bulk_requests')
    .values({
      environment_id: environmentId,
      status: 'pending',
      source: parent.source,
      on_conflict: onConflict ?? parent.on_conflict,
      dry_run: parent.dry_run,
      filename: parent.filename,
      data_stream_id: parent.data_stream_id,
      parent_bulk_request_id: parent.id,
      idempotency_key: null,
      request_hash: null,
      options: parent.options,
      source_details: parent.source_details,
      parsing: 1,
      total_items: 0,
      processed_items: 0,
      successful_items: 0,
      failed_items: 0,
      skipped_items: 0,
      next_index: 0,
      claims: 0,
      released_claims: 0,
      lease_owner: null,
      lease_expires_at: null,
      error_message: null,
      error_details: null,
      created_at: now,
      started_at: null,
      completed_at: null,
      last_progress_at: null,
      cancellation_requested_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const copied = await sql`
    INSERT INTO bulk_request_items (bulk_request_id, item_index, row_number, payload)
    SELECT ${created.id}, i.item_index, i.row_number, i.payload
    FROM bulk_request_items i
    WHERE i.bulk_request_id = ${parent.id}
      AND (i.item_index >= ${parent.next_index}
        OR EXISTS (SELECT 1 FROM bulk_request_results r
                   WHERE r.bulk_request_id = ${parent.id} AND r.item_index = i.item_index AND r.status IN ('failed', 'skipped')))
  `.execute(trx);
  if (parent.data_stream_id === null) await copyTargetStreams(trx, parent.id, created.id);
  const total = Number(copied.numAffectedRows ?? 0n);
  const next = await trx
    .selectFrom('bulk_request_items')
    .select((eb) => eb.fn.min('item_index').as('first'))
    .where('bulk_request_id', '=', created.id)
    .executeTakeFirst();
  return trx
    .updateTable('bulk_requests')
    .set({
      total_items: total,
      next_index: next?.first ?? 0,
      parsing: 0,
      ...(total === 0 ? { status: 'completed' as const, completed_at: now } : {}),
    })
    .where('id', '=', created.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Failed (and optionally skipped) items with their original payloads, in index order, a page at a time. */
export async function failedItemsAfter(db: Kysely<Database>, bulkRequestId: number, afterIndex: number, includeSkipped: boolean, limit: number) {
  return db
    .selectFrom('bulk_request_results as r')
    .innerJoin('bulk_request_items as i', (join) => join.onRef('i.bulk_request_id', '=', 'r.bulk_request_id').onRef('i.item_index', '=', 'r.item_index'))
    .select(['r.item_index', 'r.status', 'r.error_code', 'r.error', 'i.row_number', 'i.payload'])
    .where('r.bulk_request_id', '=', bulkRequestId)
    .where('r.item_index', '>', afterIndex)
    .where('r.status', 'in', includeSkipped ? ['failed', 'skipped'] : ['failed'])
    .orderBy('r.item_index')
    .limit(limit)
    .execute();
}
