// How the shape of the engine's SQLite insert changes its cost: `node --import tsx
// bench/experiments/sqlite-insert.ts [rows]` (default 200,000) inserts the same rows, 1,000 per
// `BEGIN IMMEDIATE` transaction, into a freshly migrated Sluice `records` table, with the statement the
// engine used before (`ON CONFLICT DO NOTHING RETURNING id`, read with `get`), the one it uses now (`run`,
// its `changes` and `lastInsertRowid`), a plain insert, and a plain insert into the table without its four
// secondary indexes. docs/performance.md quotes the numbers.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { connect } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const rows = Number(process.argv[2] ?? 200_000);
const SECONDARY = ['records_stream_created', 'records_bulk_request'];
const COLUMNS = `environment_id, data_stream_id, external_id, date, amount, direction, currency, description, metadata, source,
  bulk_request_id, item_index, import_batch_id, created_at, updated_at`;
const INSERT = `INSERT INTO records (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

async function freshDatabase(dir: string): Promise<BetterSqlite3.Database> {
  const store = await connect({ dataDir: dir });
  await migrateToLatest(store);
  const now = Date.now();
  await sql`INSERT INTO environments (name, created_at) VALUES ('bench', ${now})`.execute(store.db);
  await sql`INSERT INTO data_streams (environment_id, key, name, type, created_at, updated_at) VALUES (1, 'bench', 'bench', 'api', ${now}, ${now})`.execute(store.db);
  await sql`INSERT INTO bulk_requests (environment_id, status, source, on_conflict, dry_run, options, parsing, total_items, processed_items,
      successful_items, failed_items, skipped_items, next_index, claims, released_claims, created_at)
    VALUES (1, 'completed', 'csv', 'skip', 0, '{}', 0, 0, 0, 0, 0, 0, 0, 1, 0, ${now})`.execute(store.db);
  await sql`INSERT INTO import_batches (environment_id, data_stream_id, bulk_request_id, source, record_count, total_credits, total_debits, decimal_places, created_at)
    VALUES (1, 1, 1, 'csv_upload', 0, 0, 0, 2, ${now})`.execute(store.db);
  await store.close();
  const db = new BetterSqlite3(join(dir, 'sluice.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return db;
}

async function measure(name: string, text: string, mode: 'get' | 'run', dropIndexes = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sqlite-insert-'));
  const db = await freshDatabase(dir);
  try {
    if (dropIndexes) for (const index of SECONDARY) db.exec(`DROP INDEX ${index}`);
    const statement = db.prepare(text);
    const now = Date.now();
    const started = performance.now();
    for (let from = 0; from < rows; from += 1000) {
      db.transaction(() => {
        for (let i = from; i < Math.min(rows, from + 1000); i++) {
          // The csv scenario's shape: ascending external ids, as a statement export has them.
          const values = [1, 1, `csv-${String(i).padStart(8, '0')}`, '2026-01-15', 1000 + i, 'credit', 'USD', `Payment, "quoted" ${i}`, '{}', 'csv_upload', 1, i, 1, now, now];
          if (mode === 'get') statement.get(...values);
          else statement.run(...values);
        }
      }).immediate();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`  ${name.padEnd(58)} ${Math.round(rows / seconds).toLocaleString('en-US').padStart(9)} rows/s`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`sqlite, ${rows.toLocaleString('en-US')} rows into Sluice's records table`);
await measure('ON CONFLICT DO NOTHING RETURNING id, with get (before)', `${INSERT} ON CONFLICT (data_stream_id, external_id) DO NOTHING RETURNING id`, 'get');
await measure('ON CONFLICT DO NOTHING, with run (the engine now)', `${INSERT} ON CONFLICT (data_stream_id, external_id) DO NOTHING`, 'run');
await measure('plain INSERT', INSERT, 'run');
await measure('plain INSERT, without the two secondary indexes', INSERT, 'run', true);
