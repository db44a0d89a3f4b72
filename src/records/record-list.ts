import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { recordListQuery, type RecordFilter, type RecordWithStreamKey } from './record.repository.js';
import type { RecordCursor } from './record-cursor.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Record lists and the one index each walks (migration 0007, docs/query-plans.md):
 *
 * - scoped by a stream or an external id: `(created_at, id)` newest first, on `records_stream_created` or the
 *   unique `(data_stream_id, external_id)` (record.repository.ts `recordListQuery`);
 * - scoped by a bulk request: item index newest first, on `records_bulk_request (bulk_request_id,
 *   item_index)`, the same index that serves the request's results. A request's chunks run one after the
 *   other in index order, so this is its creation order; only the clocks of two worker machines that took
 *   the request over from each other could make `created_at` disagree by their skew;
 * - scoped by an import batch: through the bulk requests that fill it, the upload's request and its retry
 *   chain (only they write the batch's id: SPEC §5, src/engine/sql/import-batch.ts), newest request first
 *   (a retry runs only once its parent has ended), each by item index as above.
 *
 * Every branch reads `limit + 1` entries of its index past the cursor, so a page costs the same on the
 * first page and on the last of a million-row request; nothing sorts.
 */

/** A bulk request's records, newest item first, after `cursor`'s item. */
function requestRecords(db: Db, environmentId: number, filter: RecordFilter, bulkRequestId: number, beforeItem: number | null, limit: number) {
  let query = recordListQuery(db, environmentId, { ...filter, bulkRequestId }, undefined, limit, 'item');
  if (beforeItem !== null) query = query.where('r.item_index', '<', beforeItem);
  return query;
}

/** Where a cursor stands in a request's items; cursors written before 0007 carry only the record's id. */
async function cursorItem(db: Db, cursor: RecordCursor): Promise<{ bulkRequestId: number; itemIndex: number }> {
  if (cursor.item) return cursor.item;
  const row = await db.selectFrom('records').select(['bulk_request_id', 'item_index']).where('id', '=', cursor.id).executeTakeFirst();
  if (!row || row.bulk_request_id === null || row.item_index === null) throw new AppError('invalid_cursor');
  return { bulkRequestId: Number(row.bulk_request_id), itemIndex: Number(row.item_index) };
}

/** The upload's request and its retries, newest first (each parent has at most one child: SPEC 21). */
async function batchRequests(db: Db, environmentId: number, importBatchId: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    WITH RECURSIVE chain(id) AS (
      SELECT bulk_request_id FROM import_batches WHERE id = ${importBatchId} AND environment_id = ${environmentId}
      UNION ALL
      SELECT b.id FROM bulk_requests b JOIN chain ON b.parent_bulk_request_id = chain.id
    )
    SELECT id FROM chain`.execute(db);
  return rows.rows.map((r) => Number(r.id)).sort((a, b) => b - a);
}

/**
 * One cursor page of `GET /records` (`limit + 1` rows: the caller tells from the extra row whether there is
 * more). A bulk request or an import batch scope reads by item index; any other scope by creation.
 */
export async function listRecordPage(db: Db, environmentId: number, filter: RecordFilter, cursor: RecordCursor | undefined, limit: number): Promise<RecordWithStreamKey[]> {
  if (filter.bulkRequestId !== undefined) {
    let beforeItem: number | null = null;
    if (cursor) {
      const at = await cursorItem(db, cursor);
      if (at.bulkRequestId !== filter.bulkRequestId) throw new AppError('invalid_cursor');
      beforeItem = at.itemIndex;
    }
    return requestRecords(db, environmentId, filter, filter.bulkRequestId, beforeItem, limit).execute();
  }
  if (filter.importBatchId !== undefined) {
    const requests = await batchRequests(db, environmentId, filter.importBatchId);
    let start = 0;
    let beforeItem: number | null = null;
    if (cursor) {
      const at = await cursorItem(db, cursor);
      start = requests.indexOf(at.bulkRequestId);
      if (start < 0) throw new AppError('invalid_cursor');
      beforeItem = at.itemIndex;
    }
    const rows: RecordWithStreamKey[] = [];
    for (let i = start; i < requests.length && rows.length <= limit; i++) {
      const want = limit + 1 - rows.length;
      rows.push(...(await requestRecords(db, environmentId, filter, requests[i]!, i === start ? beforeItem : null, want - 1).execute()));
    }
    return rows;
  }
  return recordListQuery(db, environmentId, filter, cursor, limit).execute();
}

/**
 * One offset page of an import batch's records (`GET /import_batches/{id}/records`, offset-paginated as the
 * contract has it), newest first, `limit + 1` rows. A request of the chain that lies wholly before the
 * offset is counted (an index-only count, never more entries than the offset skips) and stepped over.
 */
export async function listImportBatchRecords(db: Db, environmentId: number, importBatchId: number, offset: number, limit: number): Promise<RecordWithStreamKey[]> {
  const requests = await batchRequests(db, environmentId, importBatchId);
  const rows: RecordWithStreamKey[] = [];
  let skip = offset;
  for (const bulkRequestId of requests) {
    if (rows.length > limit) break;
    const want = limit + 1 - rows.length;
    const page = await requestRecords(db, environmentId, { importBatchId }, bulkRequestId, null, want - 1).offset(skip).execute();
    if (page.length > 0) {
      rows.push(...page);
      skip = 0;
    } else if (skip > 0) {
      // Every record of a request of the chain is in the batch, so the count needs the index alone.
      const counted = await db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('bulk_request_id', '=', bulkRequestId)
        .executeTakeFirstOrThrow();
      skip = Math.max(0, skip - Number(counted.n));
    }
  }
  return rows;
}
