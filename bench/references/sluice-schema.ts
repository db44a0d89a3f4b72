// A second reference, for the analysis rather than the targets: the same bulk load (COPY on PostgreSQL,
// 1,000-row prepared insert transactions on SQLite) into Sluice's real `records` table, migrated by
// Sluice's own migrations: its foreign keys (one on PostgreSQL, four on SQLite), the unique index and four
// secondary indexes. The gap between the
// two references is what the table costs; the gap between this one and Sluice is what the engine costs
// (staging every item first, validation, results, checkpoints, the round trips of a chunk).

import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connect } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createBenchDatabase, type Backend } from '../support/databases.js';
import type { ReferenceResult } from './postgres-copy.js';
import { RECORD_COLUMNS } from './rows-file.js';
import { timedLoad } from './sqlite-inserts.js';

/** Parts of Sluice's records table to leave out, to tell what each costs (bench/experiments/records-table.ts). */
export interface Strip {
  foreignKeys?: boolean;
  secondaryIndexes?: boolean;
  /** The opposite: put back the two indexes migration 0007 dropped, to measure what dropping them saved. */
  droppedIn0007?: boolean;
}

const SECONDARY_INDEXES = ['records_stream_created', 'records_bulk_request'];
const DROPPED_IN_0007 = [
  'CREATE INDEX records_bulk_request_created ON records (bulk_request_id, created_at, id)',
  'CREATE INDEX records_import_batch ON records (import_batch_id, created_at, id)',
];

/** Parent rows for the foreign keys of the reference rows (rows.ts): ids 1, and `bulkRequests` requests. */
async function parents(backend: Backend, url: string | undefined, dataDir: string | undefined, bulkRequests: number, strip: Strip): Promise<void> {
  const store = await connect(backend === 'postgres' ? { databaseUrl: url } : { dataDir: dataDir! });
  try {
    await migrateToLatest(store);
    const db = store.db;
    const now = Date.now();
    await sql`INSERT INTO environments (name, created_at) VALUES ('bench', ${now})`.execute(db);
    await sql`INSERT INTO data_streams (environment_id, key, name, type, created_at, updated_at) VALUES (1, 'bench', 'bench', 'api', ${now}, ${now})`.execute(db);
    for (let i = 0; i < bulkRequests; i++) {
      await sql`INSERT INTO bulk_requests (environment_id, status, source, on_conflict, dry_run, options, parsing, total_items, processed_items,
          successful_items, failed_items, skipped_items, next_index, claims, released_claims, created_at)
        VALUES (1, 'completed', 'csv', 'skip', 0, '{}', 0, 0, 0, 0, 0, 0, 0, 1, 0, ${now})`.execute(db);
    }
    await sql`INSERT INTO import_batches (environment_id, data_stream_id, bulk_request_id, source, record_count, total_credits, total_debits, decimal_places, created_at)
      VALUES (1, 1, 1, 'csv_upload', 0, 0, 0, 2, ${now})`.execute(db);
    if (strip.secondaryIndexes) for (const index of SECONDARY_INDEXES) await sql.raw(`DROP INDEX ${index}`).execute(db);
    if (strip.droppedIn0007) for (const create of DROPPED_IN_0007) await sql.raw(create).execute(db);
    if (strip.foreignKeys && backend === 'postgres') {
      const fks = await sql<{ conname: string }>`SELECT conname FROM pg_constraint WHERE conrelid = 'records'::regclass AND contype = 'f'`.execute(db);
      for (const fk of fks.rows) await sql.raw(`ALTER TABLE records DROP CONSTRAINT ${fk.conname}`).execute(db);
    }
  } finally {
    await store.close();
  }
}

export async function sluiceSchemaReference(backend: Backend, rowsFile: string, bulkRequests: number, strip: Strip = {}): Promise<ReferenceResult> {
  const database = await createBenchDatabase(backend);
  try {
    await parents(backend, database.env.DATABASE_URL, database.env.SLUICE_DATA_DIR, bulkRequests, strip);
    if (backend === 'postgres') {
      const client = new pg.Client({ connectionString: database.env.DATABASE_URL! });
      await client.connect();
      try {
        const started = performance.now();
        await pipeline(createReadStream(rowsFile), client.query(copyFrom(`COPY records (${RECORD_COLUMNS.join(', ')}) FROM STDIN`)));
        const seconds = (performance.now() - started) / 1000;
        const rows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM records')).rows[0]!.n);
        return { rows, seconds };
      } finally {
        await client.end();
      }
    }
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const db = new BetterSqlite3(database.sqliteFile!);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      // SQLite checks foreign keys only when asked to: turning the check off is dropping them, for the cost.
      db.pragma(`foreign_keys = ${strip.foreignKeys ? 'OFF' : 'ON'}`);
      return await timedLoad(db, rowsFile);
    } finally {
      db.close();
    }
  } finally {
    await database.drop();
  }
}
