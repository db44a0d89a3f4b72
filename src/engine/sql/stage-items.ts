import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

/** COPY's text format: backslash, newline, carriage return and tab are the characters it gives a meaning. */
function copyText(value: string): string {
  return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')) : value;
}

/**
 * Stages items with `COPY ... FROM STDIN` on a client inside the caller's transaction (uploads on
 * PostgreSQL, see `addUploadBatch`). The staged payload is JSON: quotes everywhere, which an `unnest` insert
 * had to escape in each array element and PostgreSQL to parse back; COPY's text format leaves them alone.
 */
export async function copyItems(client: pg.PoolClient, bulkRequestId: number, items: StagedItem[]): Promise<void> {
  if (items.length === 0) return;
  let text = '';
  for (const item of items) text += `${bulkRequestId}\t${item.index}\t${item.rowNumber ?? '\\N'}\t${copyText(item.payload)}\n`;
  await pipeline(Readable.from([text]), client.query(copyFrom('COPY bulk_request_items (bulk_request_id, item_index, row_number, payload) FROM STDIN')));
}
