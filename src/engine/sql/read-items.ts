import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

export interface ItemRow {
  item_index: number;
  row_number: number | null;
  payload: string;
}

/**
 * The next chunk after the checkpoint. Read outside the chunk's transaction: staged items never change, so
 * validation can run before the transaction opens and locks are held only while writing.
 * Indexes of a retry are not contiguous (they keep the parent's), hence `>=` and LIMIT, never a range.
 */
export async function readItems(db: Kysely<Database>, bulkRequestId: number, fromIndex: number, limit: number): Promise<ItemRow[]> {
  const result = await sql<ItemRow>`
    SELECT item_index, row_number, payload FROM bulk_request_items
    WHERE bulk_request_id = ${bulkRequestId} AND item_index >= ${fromIndex}
    ORDER BY item_index
    LIMIT ${limit}
  `.execute(db);
  return result.rows;
}
