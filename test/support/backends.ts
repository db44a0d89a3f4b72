import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect, type ConnectOptions, type Store } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

// Every storage test runs on both databases. PostgreSQL tests each get a fresh schema in the database
// named by TEST_DATABASE_URL (default: the local `test` database); SQLite tests each get a fresh file.
// A missing PostgreSQL is a failure, never a skip: CI always has one.

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = (process.env.SLUICE_TEST_BACKENDS?.split(',') as Backend[] | undefined) ?? ['sqlite', 'postgres'];

/**
 * Each backend twice: bodies and uploads read and staged on the test's own thread (0), and in a staging
 * thread (1) as `sluice serve` does it (src/staging/). Suites of what the staging threads do run both ways.
 */
export const BACKENDS_BY_STAGING: ReadonlyArray<readonly [Backend, number]> = BACKENDS.flatMap((b) => [[b, 0], [b, 1]] as const);
export const stagingLabel = (threads: number) => (threads ? ' (staging thread)' : '');

export const PG_BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  backend: Backend;
  /** What a child process needs to reach the same database: DATABASE_URL or SLUICE_DATA_DIR. */
  env: Record<string, string>;
  connectOptions: ConnectOptions;
  drop(): Promise<void>;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-test-'));
    return {
      backend,
      env: { SLUICE_DATA_DIR: dir },
      connectOptions: { dataDir: dir },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_BASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = `${PG_BASE_URL}${PG_BASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  return {
    backend,
    env: { DATABASE_URL: url },
    connectOptions: { databaseUrl: url },
    async drop() {
      const client = new pg.Client({ connectionString: PG_BASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** A migrated store on a fresh database; `close` also drops the database. */
export async function openTestStore(backend: Backend, extra: Partial<ConnectOptions> = {}): Promise<{ store: Store; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase(backend);
  const store = await connect({ ...database.connectOptions, ...extra });
  await migrateToLatest(store);
  return {
    store,
    database,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
