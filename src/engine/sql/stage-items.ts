import { sql, type Transaction } from 'kysely';
import type { Store } from '../../db/connect.js';
import type { Database } from '../../db/database.js';
import { sqliteHandle, statement } from './sqlite-statements.js';

export interface StagedItem {
  index: number;
  rowNumber: number | null;
  payload: string;
}

/**
 * Writes items of a bulk request in the caller's transaction (the one that creates the request, so a 202
 * never promises rows that are not on disk; uploads call it once per batch of parsed rows).
 */
export async function stageItems(trx: Transaction<Database>, store: Store, bulkRequestId: number, items: StagedItem[]): Promise<void> {
  if (items.length === 0) return;
  const handle = sqliteHandle(store, trx);
  if (handle) {
    const insert = statement(handle, 'INSERT INTO bulk_request_items (bulk_request_id, item_index, row_number, payload) VALUES (?, ?, ?, ?)');
    for (const item of items) insert.run(bulkRequestId, item.index, item.rowNumber, item.payload);
    return;
  }
  // One statement for the whole batch: unnest zips the arrays into rows server-side.
  const indexes = items.map((i) => i.index);
  const rowNumbers = items.map((i) => i.rowNumber);
  const payloads = items.map((i) => i.payload);
  await sql`
    INSERT INTO bulk_request_items (bulk_request_id, item_index, row_number, payload)
    SELECT ${bulkRequestId}, t.i, t.r, t.p
    FROM unnest(${indexes}::bigint[], ${rowNumbers}::bigint[], ${payloads}::text[]) AS t(i, r, p)
  `.execute(trx);
}
