import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { Store } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { Keyset } from '../http/pagination.js';
import { stageSegment } from '../engine/sql/stage-segment.js';
import { notifyRequestChanged } from '../engine/sql/notify-change.js';
import { decodeSegment, SEGMENT_MAX_CHARS, SEGMENT_ITEMS, type StagedItem } from '../engine/segment-codec.js';
import { rowNumbersOf, segmentAt } from './segment.repository.js';
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
 * Stages items and sets the total. The items make one segment (a JSON request, an upload's flush) unless they
 * exceed a segment's bounds (SEGMENT_ITEMS, SEGMENT_MAX_CHARS). With `finished`, the request becomes
 * claimable (`parsing` off), and a request with nothing to do completes at once with progress 100 (SPEC 18).
 */
export async function addItems(trx: Transaction<Database>, bulkRequestId: number, items: StagedItem[], finished: boolean, now: number): Promise<BulkRequestRow> {
  let start = 0;
  let chars = 0;
  for (let i = 0; i < items.length; i++) {
    chars += items[i]!.payload.length;
    if (i + 1 - start >= SEGMENT_ITEMS || chars >= SEGMENT_MAX_CHARS || i === items.length - 1) {
      await stageSegment(trx, bulkRequestId, start === 0 && i === items.length - 1 ? items : items.slice(start, i + 1));
      start = i + 1;
      chars = 0;
    }
  }
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
 * One segment of an upload (SLUICE_STAGE_BATCH items or SEGMENT_MAX_CHARS, cut by the caller), in a
 * transaction of its own: the file streams on while earlier segments are on disk.
 */
export async function addUploadBatch(store: Store, bulkRequestId: number, items: StagedItem[], now: number): Promise<BulkRequestRow> {
  return store.db.transaction().execute(async (trx) => {
    await stageSegment(trx, bulkRequestId, items);
    // total_items grew: a stream watching the upload shows it (docs/live-updates.md).
    await notifyRequestChanged(trx, store.caps, bulkRequestId);
    return countStagedItems(trx, bulkRequestId, items.length, false, now).executeTakeFirstOrThrow();
  });
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

/** The request's text columns that can be large: read once per status read, not once per result row. */
const REQUEST_TEXTS = ['options', 'source_details', 'error_details'] as const;
/** Every other column of bulk_requests. */
const REQUEST_SCALARS = [
  'id', 'environment_id', 'status', 'source', 'on_conflict', 'dry_run', 'filename', 'data_stream_id', 'parent_bulk_request_id',
  'idempotency_key', 'request_hash', 'parsing', 'total_items', 'processed_items', 'successful_items', 'failed_items', 'skipped_items',
  'next_index', 'claims', 'released_claims', 'lease_owner', 'lease_expires_at', 'error_message', 'created_at', 'started_at',
  'completed_at', 'last_progress_at', 'stuck_reported_for', 'cancellation_requested_at',
] as const satisfies ReadonlyArray<Exclude<keyof BulkRequestTable, (typeof REQUEST_TEXTS)[number]>>;
// A column added to the table and to neither list would be missing from status reads: a compile error instead.
type Unlisted = Exclude<keyof BulkRequestTable, (typeof REQUEST_TEXTS)[number] | (typeof REQUEST_SCALARS)[number]>;
const everyColumnListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyColumnListed;

/**
 * A bulk request of the environment and one page of its results (`undefined` when the request is not
 * there), read in one statement: a status read is polled while ingest keeps both CPUs busy, and every
 * round trip to PostgreSQL waits for a backend to be scheduled (docs/performance.md §4), so the request row
 * rides along with its results instead of coming first on its own. One statement is also one snapshot:
 * the counters and the results agree.
 *
 * Results are ordered by index: successful items are the request's records (by `item_index`), the rest are
 * result rows. Each branch is ordered and limited on its own index (bulk_request_id, item_index) before
 * the merge, so a page costs offset + limit index entries per branch, not a sort of the whole request
 * (which made status reads of a million-row request take ~100 ms).
 */
export async function bulkRequestWithResults(
  db: Kysely<Database>,
  environmentId: number,
  id: number,
  offset: number,
  limit: number,
): Promise<{ row: BulkRequestRow; results: ResultItem[] } | undefined> {
  const reach = offset + limit;
  type Joined = BulkRequestRow & { r_first: number; r_index: number | null; r_status: ResultItem['status'] | null; r_record_id: number | null; r_error_code: string | null; r_error: string | null };
  // The request's columns come with each of its page's rows, but its text columns only with the first: a
  // BAI2 upload's source_details is ~89 KB, and 50 copies of it (4.5 MB read and converted per status read)
  // were what bai2's reads waited for (docs/performance.md §4).
  const first = sql`ROW_NUMBER() OVER (ORDER BY r.item_index) = 1`;
  const { rows } = await sql<Joined>`
    SELECT ${sql.join(REQUEST_SCALARS.map((c) => sql`b.${sql.ref(c)}`))},
      ${sql.join(REQUEST_TEXTS.map((c) => sql`CASE WHEN ${first} THEN b.${sql.ref(c)} END AS ${sql.ref(c)}`))},
      CASE WHEN ${first} THEN 1 ELSE 0 END AS r_first,
      r.item_index AS r_index, r.status AS r_status, r.record_id AS r_record_id, r.error_code AS r_error_code, r.error AS r_error
    FROM (SELECT * FROM bulk_requests WHERE environment_id = ${environmentId} AND id = ${id}) b
    LEFT JOIN (
      SELECT item_index, status, record_id, error_code, error FROM (
        SELECT * FROM (
          SELECT item_index, 'successful' AS status, id AS record_id, NULL AS error_code, NULL AS error
          FROM records WHERE bulk_request_id = ${id}
          ORDER BY item_index LIMIT ${reach}
        ) successes
        UNION ALL
        SELECT * FROM (
          SELECT item_index, status, record_id, error_code, error
          FROM bulk_request_results WHERE bulk_request_id = ${id}
          ORDER BY item_index LIMIT ${reach}
        ) others
      ) merged
      ORDER BY item_index
      LIMIT ${limit} OFFSET ${offset}
    ) r ON 1 = 1
    ORDER BY r.item_index
  `.execute(db);
  const head = rows.find((r) => Number(r.r_first) === 1);
  if (!head) return undefined;
  const { r_first: _f, r_index: _i, r_status: _s, r_record_id: _r, r_error_code: _c, r_error: _e, ...row } = head;
  const page = head.r_index === null ? [] : rows;
  // Row numbers live in the segment heads, which any request may have (a JSON request's have none, but
  // the heads say so, not the source: requests staged before 0006 were migrated with whatever they held).
  const rowNumberOf = page.length === 0 ? new Map<number, number>() : await rowNumbersOf(db, id, page.map((r) => Number(r.r_index)));
  return {
    row,
    results: page.map((r) => ({
      index: Number(r.r_index),
      status: r.r_status!,
      record_id: r.r_record_id,
      error_code: r.r_error_code,
      error: r.r_error,
      row_number: rowNumberOf.get(Number(r.r_index)) ?? null,
    })),
  };
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
  const { total, first } = await copyRetryItems(trx, parent, created.id);
  if (parent.data_stream_id === null) await copyTargetStreams(trx, parent.id, created.id);
  return trx
    .updateTable('bulk_requests')
    .set({
      total_items: total,
      next_index: first ?? 0,
      parsing: 0,
      ...(total === 0 ? { status: 'completed' as const, completed_at: now } : {}),
    })
    .where('id', '=', created.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The child's items, copied into segments of its own (docs/engine.md, "Retry"): a child reads like any other
 * request, and nothing has to follow a chain of parents. Segments wholly at or after the parent's checkpoint
 * (never processed) are copied row for row inside the database, as they are. Only segments before it that
 * hold a failed or skipped item, or straddle the checkpoint, are decoded, filtered and re-encoded, one at a
 * time; so a request cancelled early costs one INSERT ... SELECT, and a fully processed one costs its
 * failures' segments.
 */
async function copyRetryItems(trx: Transaction<Database>, parent: BulkRequestRow, childId: number): Promise<{ total: number; first: number | null }> {
  const checkpoint = parent.next_index;
  const retried = sql<boolean>`EXISTS (SELECT 1 FROM bulk_request_results r
    WHERE r.bulk_request_id = s.bulk_request_id AND r.item_index >= s.first_index AND r.item_index <= s.last_index
      AND r.status IN ('failed', 'skipped'))`;
  const partial = await sql<{ first_index: number }>`
    SELECT first_index FROM bulk_request_segments s
    WHERE s.bulk_request_id = ${parent.id} AND s.first_index < ${checkpoint} AND (s.last_index >= ${checkpoint} OR ${retried})
    ORDER BY first_index`.execute(trx);
  let total = 0;
  let first: number | null = null;
  let buffer: StagedItem[] = [];
  let bufferedChars = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    await stageSegment(trx, childId, buffer);
    total += buffer.length;
    first ??= buffer[0]!.index;
    buffer = [];
    bufferedChars = 0;
  };
  for (const { first_index: start } of partial.rows) {
    const segment = await segmentAt(trx, parent.id, start);
    if (!segment) continue;
    const again = await trx
      .selectFrom('bulk_request_results')
      .select('item_index')
      .where('bulk_request_id', '=', parent.id)
      .where('item_index', '>=', segment.first_index)
      .where('item_index', '<=', segment.last_index)
      .where('status', 'in', ['failed', 'skipped'])
      .execute();
    const retry = new Set(again.map((r) => r.item_index));
    for (const item of decodeSegment(segment)) {
      if (item.item_index < checkpoint && !retry.has(item.item_index)) continue;
      buffer.push({ index: item.item_index, rowNumber: item.row_number, payload: item.payload });
      bufferedChars += item.payload.length;
      if (buffer.length >= SEGMENT_ITEMS || bufferedChars >= SEGMENT_MAX_CHARS) await flush();
    }
  }
  await flush();
  const whole = await sql<{ items: number | null; first: number | null }>`
    SELECT SUM(item_count) AS items, MIN(first_index) AS first FROM bulk_request_segments
    WHERE bulk_request_id = ${parent.id} AND first_index >= ${checkpoint}`.execute(trx);
  const wholeItems = Number(whole.rows[0]?.items ?? 0);
  if (wholeItems > 0) {
    await sql`
      INSERT INTO bulk_request_segments (bulk_request_id, first_index, last_index, item_count, bytes, indexes, row_numbers, payload)
      SELECT ${childId}, first_index, last_index, item_count, bytes, indexes, row_numbers, payload FROM bulk_request_segments
      WHERE bulk_request_id = ${parent.id} AND first_index >= ${checkpoint}`.execute(trx);
    total += wholeItems;
    first ??= Number(whole.rows[0]!.first);
  }
  return { total, first };
}

export interface FailedItem {
  item_index: number;
  status: 'failed' | 'skipped';
  error_code: string | null;
  error: string | null;
  row_number: number | null;
  payload: string;
}

/**
 * Failed (and optionally skipped) items with their original payloads, in index order, a page at a time:
 * the page's results first, then only the segments that hold them, decoded one at a time.
 */
export async function failedItemsAfter(db: Kysely<Database>, bulkRequestId: number, afterIndex: number, includeSkipped: boolean, limit: number): Promise<FailedItem[]> {
  const results = await db
    .selectFrom('bulk_request_results')
    .select(['item_index', 'status', 'error_code', 'error'])
    .where('bulk_request_id', '=', bulkRequestId)
    .where('item_index', '>', afterIndex)
    .where('status', 'in', includeSkipped ? ['failed', 'skipped'] : ['failed'])
    .orderBy('item_index')
    .limit(limit)
    .execute();
  if (results.length === 0) return [];
  const page: FailedItem[] = [];
  // One seek per segment that holds a result of the page; segments between sparse failures are never read.
  for (let at = 0; at < results.length; ) {
    const segment = await segmentAt(db, bulkRequestId, results[at]!.item_index);
    if (!segment) {
      at++;
      continue;
    }
    const last = Number(segment.last_index);
    const wanted = new Map<number, (typeof results)[number]>();
    for (; at < results.length && results[at]!.item_index <= last; at++) wanted.set(results[at]!.item_index, results[at]!);
    for (const item of decodeSegment(segment)) {
      const result = wanted.get(item.item_index);
      if (result) page.push({ ...result, status: result.status as FailedItem['status'], row_number: item.row_number, payload: item.payload });
    }
  }
  return page;
}
