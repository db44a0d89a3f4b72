import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.js';

export interface FillOptions {
  environmentId: number;
  streamId: number;
  count: number;
  /** External ids are `${prefix}${i}`; distinct prefixes let several fills share a stream. */
  prefix?: string;
  importBatchId?: number | null;
  bulkRequestId?: number | null;
  /** created_at of the first record; every 100 records share a millisecond, as engine chunks do. */
  createdAt?: number;
}

/**
 * Inserts `count` records with one SQL statement (generate_series on PostgreSQL, a recursive CTE on SQLite),
 * far faster than the API for the hundreds of thousands a stream operation test needs, and adds them to the
 * stream's counters as the engine does. Amounts are 100 + i.
 */
export async function fillStream(store: Store, options: FillOptions): Promise<void> {
  const prefix = options.prefix ?? 'fill-';
  const createdAt = options.createdAt ?? Date.now();
  const columns = sql`environment_id, data_stream_id, external_id, date, amount, direction, currency, description, metadata,
    source, bulk_request_id, item_index, import_batch_id, created_at, updated_at`;
  // Parameters are cast: PostgreSQL types a bare parameter in a SELECT list as text.
  const int = (v: number | null) => sql`CAST(${v} AS BIGINT)`;
  const text = (v: string) => sql`CAST(${v} AS TEXT)`;
  const values = (i: ReturnType<typeof sql.ref>) => sql`
    ${int(options.environmentId)}, ${int(options.streamId)}, ${text(prefix)} || ${i}, '2026-01-15', 100 + ${i},
    CASE WHEN ${i} % 3 = 0 THEN 'debit' ELSE 'credit' END, 'USD', 'filled', '{}',
    ${text(options.importBatchId ? 'csv_upload' : 'api')}, ${int(options.bulkRequestId ?? null)}, NULL, ${int(options.importBatchId ?? null)},
    ${int(createdAt)} + ${i} / 100, ${int(createdAt)} + ${i} / 100`;
  if (store.raw.kind === 'postgres') {
    await sql`
      INSERT INTO records (${columns})
      SELECT ${values(sql.ref('g'))} FROM generate_series(0, ${options.count - 1}::bigint) AS g
    `.execute(store.db);
  } else {
    await sql`
      INSERT INTO records (${columns})
      WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < ${options.count - 1})
      SELECT ${values(sql.ref('i'))} FROM g
    `.execute(store.db);
  }
  // Like every writer of records, the fill keeps the stream's counters (see src/engine/sql/count-records.ts).
  const orphans = options.importBatchId ? 0 : options.count;
  await sql`
    INSERT INTO stream_record_counts (data_stream_id, slot, records, orphans) VALUES (${options.streamId}, 0, ${options.count}, ${orphans})
    ON CONFLICT (data_stream_id, slot) DO UPDATE SET
      records = stream_record_counts.records + excluded.records, orphans = stream_record_counts.orphans + excluded.orphans
  `.execute(store.db);
}

/** Records of a stream by its id, counted the slow way: what the counters must agree with. */
export async function countRecords(store: Store, streamId: number): Promise<{ records: number; orphans: number }> {
  const result = await sql<{ records: number; orphans: number }>`
    SELECT COUNT(*) AS records, COUNT(*) - COUNT(import_batch_id) AS orphans FROM records WHERE data_stream_id = ${streamId}
  `.execute(store.db);
  return { records: Number(result.rows[0]?.records ?? 0), orphans: Number(result.rows[0]?.orphans ?? 0) };
}

/** An import batch row as an upload would leave it, for tests of what reads or removes batches. */
export async function insertImportBatch(
  store: Store,
  values: { environmentId: number; streamId: number; bulkRequestId: number; recordCount: number },
): Promise<number> {
  const row = await store.db
    .insertInto('import_batches')
    .values({
      environment_id: values.environmentId,
      data_stream_id: values.streamId,
      bulk_request_id: values.bulkRequestId,
      source: 'csv_upload',
      filename: 'statement.csv',
      record_count: values.recordCount,
      total_credits: 0,
      total_debits: 0,
      decimal_places: 2,
      date_range_start: null,
      date_range_end: null,
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
