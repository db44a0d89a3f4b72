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
 * Characters of payload in one chunk at most, whatever its item count: 1,000 rows of 10 KB would otherwise
 * be 10 MB read, parsed and written at once (twice over, with the next chunk read ahead). Uploads stage by
 * the same bound (src/uploads/ingest-upload.ts).
 */
export const CHUNK_PAYLOAD_CHARS = 4 * 1024 * 1024;

export interface ItemsRead {
  items: ItemRow[];
  /** True when the payload bound cut the chunk short: more items follow, whatever the count says. */
  cut: boolean;
}

/**
 * The next chunk after the checkpoint: at most `limit` items and, after its first item, at most
 * CHUNK_PAYLOAD_CHARS of payload. Read outside the chunk's transaction: staged items never change, so
 * validation can run before the transaction opens and locks are held only while writing.
 *
 * Every read is bounded on both sides (`item_index >= from AND item_index < from + span`), never "the next
 * `limit` items after `from`". Right after a large upload the table has no statistics for the new rows, and
 * PostgreSQL then plans the open-ended form as a bitmap scan of *every* item after the checkpoint plus a
 * sort: measured 15 ms per chunk at 50,000 items left, growing with the file (quadratic over a request).
 * A bounded window costs at most its own rows whatever the plan. Items of a first run are contiguous
 * (0..n-1), so one window of `limit` reads a whole chunk; a retry keeps its parent's indexes, with gaps, so
 * windows double while they come back short, up to MAX_SPAN_CHUNKS chunks, until the last item is passed.
 * The payload bound is a running sum in the same statement, so rows beyond it are never sent.
 */
export async function readItems(db: Kysely<Database>, bulkRequestId: number, fromIndex: number, limit: number): Promise<ItemsRead> {
  const items: ItemRow[] = [];
  let budget = CHUNK_PAYLOAD_CHARS;
  let from = fromIndex;
  let span = limit;
  let last: number | null | undefined;
  for (;;) {
    const need = limit - items.length;
    const result = await sql<ItemRow & { before: number; size: number }>`
      SELECT item_index, row_number, payload, before, size FROM (
        SELECT item_index, row_number, payload, LENGTH(payload) AS size,
          SUM(LENGTH(payload)) OVER (ORDER BY item_index ROWS UNBOUNDED PRECEDING) - LENGTH(payload) AS before
        FROM (
          SELECT item_index, row_number, payload FROM bulk_request_items
          WHERE bulk_request_id = ${bulkRequestId} AND item_index >= ${from} AND item_index < ${from + span}
          ORDER BY item_index
          LIMIT ${need}
        ) w
      ) c
      WHERE before < ${budget}
      ORDER BY item_index
    `.execute(db);
    for (const row of result.rows) items.push({ item_index: row.item_index, row_number: row.row_number, payload: row.payload });
    // Whatever starts within the budget comes whole (so even one huge item makes a chunk); once the budget
    // is spent the chunk ends, and the next one starts at the first item left out.
    const lastRow = result.rows.at(-1);
    const spent = lastRow ? lastRow.before + lastRow.size : 0;
    if (spent >= budget && items.length < limit) return { items, cut: true };
    budget -= spent;
    if (items.length === limit) return { items, cut: false };
    from += span;
    // Only when a window comes back short: is there anything beyond it? (MAX uses the index whatever the statistics.)
    if (last === undefined) {
      const max = await sql<{ last: number | null }>`
        SELECT MAX(item_index) AS last FROM bulk_request_items WHERE bulk_request_id = ${bulkRequestId}
      `.execute(db);
      last = max.rows[0]?.last ?? null;
    }
    if (last === null || from > last) return { items, cut: false };
    span = Math.min(span * 2, limit * MAX_SPAN_CHUNKS);
  }
}
