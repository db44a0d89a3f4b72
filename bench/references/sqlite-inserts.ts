// SQLite's own bulk load of the same rows: prepared inserts in 1,000-row transactions, with Sluice's
// pragmas (src/db/connect.ts: WAL, synchronous=FULL, busy_timeout, foreign_keys) on a fresh file in a temp
// dir. Only the transactions are timed; reading the rows file back is not.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { readRowBatches, RECORD_COLUMNS } from './rows-file.js';
import { referenceTableDdl } from './table.js';
import type { ReferenceResult } from './postgres-copy.js';

export const SQLITE_REFERENCE_BATCH = 1000;

/**
 * Loads the rows file into `records` of an open database, 1,000 rows per `BEGIN IMMEDIATE` transaction (as
 * Sluice's transactions on SQLite, src/db/connect.ts), timing only the transactions; then counts the rows.
 */
export async function timedLoad(db: BetterSqlite3.Database, rowsFile: string): Promise<ReferenceResult> {
  const insert = db.prepare(`INSERT INTO records (${RECORD_COLUMNS.join(', ')}) VALUES (${RECORD_COLUMNS.map(() => '?').join(', ')})`);
  const load = db.transaction((batch: unknown[][]) => {
    for (const values of batch) insert.run(...values);
  });
  let ms = 0;
  for await (const batch of readRowBatches(rowsFile, SQLITE_REFERENCE_BATCH)) {
    const started = performance.now();
    load.immediate(batch);
    ms += performance.now() - started;
  }
  const rows = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  return { rows, seconds: ms / 1000 };
}

export async function sqliteInserts(rowsFile: string): Promise<ReferenceResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-ref-'));
  const db = new BetterSqlite3(join(dir, 'reference.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    for (const ddl of referenceTableDdl('sqlite')) db.exec(ddl);
    return await timedLoad(db, rowsFile);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
