import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

export interface ItemRow {
  item_index: number;
  row_number: number | null;
  payload: string;
}

/** Windows grow to at most this many chunk sizes while a sparse retry is read. */
const MAX_SPAN_CHUNKS = 64;

/**
 * The next chunk after the checkpoint. Read outside the chunk's transaction: staged items never change, so
 * validation can run before the transaction opens and locks are held only while writing.
 *
 * Every read is bounded on both sides (`item_index >= from AND item_index < from + span`), never "the next
 * `limit` items after `from`". Right after a large upload the table has no statistics for the new rows, and
 * PostgreSQL then plans the open-ended form as a bitmap scan of *every* item after the checkpoint plus a
 * sort: measured 15 ms per chunk at 50,000 items left, growing with the file (quadratic over a request).
 * A bounded window costs at most its own rows whatever the plan. Items of a first run are contiguous
 * (0..n-1), so one window of `limit` reads a whole chunk; a retry keeps its parent's indexes, with gaps, so
 * windows double while they come back short, up to MAX_SPAN_CHUNKS chunks, until the last item is passed.
 */
export async function readItems(db: Kysely<Database>, bulkRequestId: number, fromIndex: number, limit: number): Promise<ItemRow[]> {
  const rows: ItemRow[] = [];
  let from = fromIndex;
  let span = limit;
  let last: number | null | undefined;
  for (;;) {
    const need = limit - rows.length;
    const result = await sql<ItemRow>`
      SELECT item_index, row_number, payload FROM bulk_request_items
      WHERE bulk_request_id = ${bulkRequestId} AND item_index >= ${from} AND item_index < ${from + span}
      ORDER BY item_index
      LIMIT ${need}
    `.execute(db);
    for (const row of result.rows) rows.push(row);
    if (result.rows.length === need) return rows;
    from += span;
    // Only when a window comes back short: is there anything beyond it? (MAX uses the index whatever the statistics.)
    if (last === undefined) {
      const max = await sql<{ last: number | null }>`
        SELECT MAX(item_index) AS last FROM bulk_request_items WHERE bulk_request_id = ${bulkRequestId}
      `.execute(db);
      last = max.rows[0]?.last ?? null;
    }
    if (last === null || from > last) return rows;
    span = Math.min(span * 2, limit * MAX_SPAN_CHUNKS);
  }
}
