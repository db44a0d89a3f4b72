import { sql, type Transaction } from 'kysely';
import type { Store } from '../../db/connect.js';
import type { Database } from '../../db/database.js';
import { sqliteHandle, statement } from './sqlite-statements.js';

export interface ResultRow {
  item_index: number;
  status: 'successful' | 'failed' | 'skipped';
  record_id: number | null;
  error_code: string | null;
  error: string | null;
  data_stream_id: number | null;
  external_id: string | null;
}

/**
 * Failures, skips and dry-run outcomes of one chunk, in the chunk's transaction. A successful real item has
 * no row here: its record carries `bulk_request_id` and `item_index`, so results are never stored twice.
 */
export async function insertResults(trx: Transaction<Database>, store: Store, bulkRequestId: number, rows: ResultRow[]): Promise<void> {
  if (rows.length === 0) return;
  const handle = sqliteHandle(store, trx);
  if (handle) {
    const insert = statement(
      handle,
      `INSERT INTO bulk_request_results (bulk_request_id, item_index, status, record_id, error_code, error, data_stream_id, external_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of rows) insert.run(bulkRequestId, r.item_index, r.status, r.record_id, r.error_code, r.error, r.data_stream_id, r.external_id);
    return;
  }
  await sql`
    INSERT INTO bulk_request_results (bulk_request_id, item_index, status, record_id, error_code, error, data_stream_id, external_id)
    SELECT ${bulkRequestId}, t.i, t.st, t.rid, t.code, t.err, t.s, t.e
    FROM unnest(
      ${rows.map((r) => r.item_index)}::bigint[],
      ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.record_id)}::bigint[],
      ${rows.map((r) => r.error_code)}::text[],
      ${rows.map((r) => r.error)}::text[],
      ${rows.map((r) => r.data_stream_id)}::bigint[],
      ${rows.map((r) => r.external_id)}::text[]
    ) AS t(i, st, rid, code, err, s, e)
  `.execute(trx);
}
