// A fresh database for each measured run (a table that already holds a million rows inserts slower than an
// empty one, so runs must not share one), dropped afterwards: PostgreSQL a schema in the test database,
// SQLite a temp dir. The same helpers as the tests (test/support/backends.ts), plus a plain connection for
// the checks and the references.

import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, PG_BASE_URL, type Backend, type TestDatabase } from '../../test/support/backends.js';

export type { Backend };
export { PG_BASE_URL };

export interface Sql {
  /** `?` placeholders on both databases. bigint and numeric results come back as numbers. */
  all<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface BenchDatabase extends TestDatabase {
  /** SQLite only: the database file Sluice creates under its data dir. */
  sqliteFile?: string;
  connectSql(): Promise<Sql>;
}

function numeric(row: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) if (typeof v === 'string' && /^-?\d+$/.test(v) && v.length < 16) row[k] = Number(v);
  return row;
}

export async function openSql(backend: Backend, target: { url?: string; file?: string }): Promise<Sql> {
  if (backend === 'sqlite') {
    const db = new BetterSqlite3(target.file!);
    db.pragma('busy_timeout = 10000');
    return {
      async all<T>(text: string, params: unknown[] = []) {
        return db.prepare(text).all(...params) as T[];
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: target.url! });
  client.on('error', () => {});
  await client.connect();
  return {
    async all<T>(text: string, params: unknown[] = []) {
      let n = 0;
      const result = await client.query(text.replace(/\?/g, () => `$${++n}`), params);
      return result.rows.map(numeric) as T[];
    },
    async close() {
      await client.end();
    },
  };
}

export async function createBenchDatabase(backend: Backend): Promise<BenchDatabase> {
  const database = await createTestDatabase(backend);
  const sqliteFile = backend === 'sqlite' ? join(database.env.SLUICE_DATA_DIR!, 'sluice.db') : undefined;
  return {
    ...database,
    ...(sqliteFile ? { sqliteFile } : {}),
    connectSql: () => openSql(backend, backend === 'sqlite' ? { file: sqliteFile! } : { url: database.env.DATABASE_URL! }),
  };
}
