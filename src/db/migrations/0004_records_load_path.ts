import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/**
 * What a bulk load into `records` pays per row, cut to what a query or an invariant needs
 * (docs/performance.md, "The records table"; measured with bench/experiments/records-table.ts):
 *
 * - The per-row count trigger of 0003 goes. SQLite has row triggers only, so it upserted the counter row once
 *   per record and made bulk loads 6x slower. Every writer that inserts records now adds its counts in the
 *   same transaction, once per statement (src/engine/sql/count-records.ts). The delete and update triggers
 *   stay: deletes come from many places (single deletes, resets, stream deletion) and are not the hot path.
 * - `records_env_external_id` goes. It was the one secondary index in random order (external ids), as
 *   costly per row as the unique index; `GET /records?external_id=` without a stream now reads the unique
 *   index (data_stream_id, external_id) once per stream of the environment, which has few streams.
 * - PostgreSQL: the foreign keys from records to environments, bulk_requests and import_batches go. Each
 *   fired a referential-integrity trigger per row (a lookup and a row lock on the parent), which halved
 *   COPY into the table. Only the engine writes these ids, inside the chunk transaction that holds the
 *   request's fence and creates the import batch; and none of those parents is ever deleted while records
 *   point at it (import batches are deleted only with their records, by stream operations). The key to
 *   `data_streams` stays: POST /records relies on it to notice a stream deleted under it.
 *   SQLite keeps all four: its checks are in-process B-tree lookups that cost little (measured within noise),
 *   and removing a constraint there means rebuilding the whole table.
 */
export function up0004(caps: Capabilities) {
  return async (db: Kysely<any>) => {
    const postgres = caps.dialect === 'postgres';
    if (postgres) {
      await sql`DROP TRIGGER records_counted_insert ON records`.execute(db);
      await sql`DROP FUNCTION stream_record_counts_insert()`.execute(db);
    } else {
      await sql`DROP TRIGGER records_counted_insert`.execute(db);
    }
    await db.schema.dropIndex('records_env_external_id').execute();
    if (postgres) {
      const keys = await sql<{ name: string }>`
        SELECT c.conname AS name FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.conrelid = 'records'::regclass AND c.contype = 'f'
          AND a.attname IN ('environment_id', 'bulk_request_id', 'import_batch_id')`.execute(db);
      for (const key of keys.rows) await db.schema.alterTable('records').dropConstraint(key.name).execute();
    }
  };
}
