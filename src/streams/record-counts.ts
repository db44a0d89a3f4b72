import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * A stream's record counts from its maintained counter rows (see record-count.table.ts):
 * a primary-key range of at most a few rows, whatever the stream's size.
 */
export async function recordCounts(db: Kysely<Database> | Transaction<Database>, streamId: number): Promise<{ records: number; orphans: number }> {
  const result = await sql<{ records: number | string; orphans: number | string }>`
    SELECT COALESCE(SUM(records), 0) AS records, COALESCE(SUM(orphans), 0) AS orphans
    FROM stream_record_counts WHERE data_stream_id = ${streamId}
  `.execute(db);
  const row = result.rows[0];
  return { records: Number(row?.records ?? 0), orphans: Number(row?.orphans ?? 0) };
}
