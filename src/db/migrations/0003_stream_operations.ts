import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import { idColumn } from './columns.js';

/**
 * Slots per stream in `stream_record_counts` on PostgreSQL. Each transaction adds its deltas to the slot of
 * its connection (backend pid % slots), so engine chunks committing concurrently into one stream do not
 * queue behind a single counter row; two connections share a slot with probability 1/16, and then only
 * those two wait for each other. SQLite has one writer at a time, so one slot is enough.
 */
export const RECORD_COUNT_SLOTS = 16;

// Landed migrations are never edited: a change is a new numbered file.
export function up0003(caps: Capabilities) {
  return async (db: Kysely<any>) => {
    const id = idColumn(caps);

    // An operation row is the job, like a bulk request row: status, progress, checkpoint and lease live here.
    await db.schema
      .createTable('stream_operations')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      // No foreign key, and the key is copied: the operation stays readable after its stream is deleted.
      .addColumn('data_stream_id', 'bigint', (c) => c.notNull())
      .addColumn('data_stream_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total_records', 'bigint')
      .addColumn('deleted_records', 'bigint', (c) => c.notNull())
      .addColumn('checkpoint_created_at', 'bigint')
      .addColumn('checkpoint_id', 'bigint')
      .addColumn('claims', 'integer', (c) => c.notNull())
      .addColumn('released_claims', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('error_message', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('completed_at', 'bigint')
      .addColumn('last_progress_at', 'bigint')
      .execute();
    // Claims scan only live operations, as for bulk requests.
    await db.schema
      .createIndex('stream_operations_claimable')
      .on('stream_operations')
      .columns(['created_at', 'id'])
      .where(sql.ref('status'), 'in', ['pending', 'running'])
      .execute();

    // Set while an operation on the stream is pending or running. Writers read it under a lock on the stream
    // row (see src/engine/sql/lock-streams.ts), which is what makes "no record lands in a stream being reset
    // or deleted" hold under concurrency; a second table would need a second, unlocked read.
    await db.schema.alterTable('data_streams').addColumn('active_operation_id', 'bigint').execute();

    await db.schema
      .createTable('stream_record_counts')
      .addColumn('data_stream_id', 'bigint', (c) => c.notNull().references('data_streams.id').onDelete('cascade'))
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('records', 'bigint', (c) => c.notNull())
      .addColumn('orphans', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stream_record_counts_pk', ['data_stream_id', 'slot'])
      .execute();

    if (caps.dialect === 'postgres') await countRecordsOnPostgres(db);
    else await countRecordsOnSqlite(db);
  };
}

/**
 * Record counts for GET /data_streams/{key}/health, kept by triggers so that every writer (the engine,
 * POST /records, deletes, uploads, whatever comes later) keeps them exact without having to remember to.
 * COUNT(*) over a million index entries took 40 ms (SQLite) to 250 ms (PostgreSQL); a sum of a few
 * counter rows takes well under a millisecond.
 *
 * PostgreSQL: statement-level triggers with transition tables, so a chunk of 1,000 rows costs one upsert per
 * stream, not 1,000; rows are upserted in stream order so two statements never lock slots in opposite orders.
 * The trigger is created before the backfill inside the migration's transaction: CREATE TRIGGER locks out
 * writers of `records` until commit, so no row is counted twice or missed.
 */
async function countRecordsOnPostgres(db: Kysely<any>) {
  const upsert = (source: string) => `
    INSERT INTO stream_record_counts (data_stream_id, slot, records, orphans)
    SELECT data_stream_id, pg_backend_pid() % ${RECORD_COUNT_SLOTS}, SUM(n), SUM(o) FROM (${source}) d
    GROUP BY data_stream_id
    HAVING SUM(n) <> 0 OR SUM(o) <> 0
    ORDER BY data_stream_id
    ON CONFLICT (data_stream_id, slot) DO UPDATE SET
      records = stream_record_counts.records + EXCLUDED.records,
      orphans = stream_record_counts.orphans + EXCLUDED.orphans`;
  const added = `SELECT data_stream_id, 1 AS n, CASE WHEN import_batch_id IS NULL THEN 1 ELSE 0 END AS o FROM new_rows`;
  const removed = `SELECT data_stream_id, -1 AS n, CASE WHEN import_batch_id IS NULL THEN -1 ELSE 0 END AS o FROM old_rows`;
  const fn = (name: string, body: string) =>
    sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NULL; END $$`).execute(db);
  await fn('stream_record_counts_insert', upsert(added));
  await fn('stream_record_counts_delete', upsert(removed));
  // Record streams and batches do not change today (SPEC 12); counting updates too keeps this true if they ever do.
  await fn('stream_record_counts_update', upsert(`${added} UNION ALL ${removed}`));
  await sql
    .raw(`CREATE TRIGGER records_counted_insert AFTER INSERT ON records REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION stream_record_counts_insert()`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER records_counted_delete AFTER DELETE ON records REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION stream_record_counts_delete()`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER records_counted_update AFTER UPDATE ON records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION stream_record_counts_update()`)
    .execute(db);
  await backfill(db);
}

/**
 * SQLite has row-level triggers only; an upsert of the one counter row per record costs a few microseconds
 * in-process and serializes nothing that SQLite's single writer does not already serialize. Migrations run
 * inside one `BEGIN IMMEDIATE` transaction (src/db/connect.ts), so no process writes records between the
 * triggers and the backfill: nothing is counted twice or missed.
 */
async function countRecordsOnSqlite(db: Kysely<any>) {
  const upsert = (stream: string, n: string, o: string) => `
    INSERT INTO stream_record_counts (data_stream_id, slot, records, orphans) VALUES (${stream}, 0, ${n}, ${o})
    ON CONFLICT (data_stream_id, slot) DO UPDATE SET records = records + excluded.records, orphans = orphans + excluded.orphans;`;
  await sql
    .raw(`CREATE TRIGGER records_counted_insert AFTER INSERT ON records BEGIN
      ${upsert('NEW.data_stream_id', '1', 'NEW.import_batch_id IS NULL')}
    END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER records_counted_delete AFTER DELETE ON records BEGIN
      ${upsert('OLD.data_stream_id', '-1', '-(OLD.import_batch_id IS NULL)')}
    END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER records_counted_update AFTER UPDATE OF data_stream_id, import_batch_id ON records
      WHEN OLD.data_stream_id IS NOT NEW.data_stream_id OR (OLD.import_batch_id IS NULL) <> (NEW.import_batch_id IS NULL)
    BEGIN
      ${upsert('OLD.data_stream_id', '-1', '-(OLD.import_batch_id IS NULL)')}
      ${upsert('NEW.data_stream_id', '1', 'NEW.import_batch_id IS NULL')}
    END`)
    .execute(db);
  await backfill(db);
}

async function backfill(db: Kysely<any>) {
  await sql`
    INSERT INTO stream_record_counts (data_stream_id, slot, records, orphans)
    SELECT data_stream_id, 0, COUNT(*), SUM(CASE WHEN import_batch_id IS NULL THEN 1 ELSE 0 END)
    FROM records GROUP BY data_stream_id
  `.execute(db);
}
