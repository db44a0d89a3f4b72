import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { connect } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { BACKENDS, createTestDatabase, PG_BASE_URL } from './support/backends.js';
import { sluice } from './support/processes.js';

// Processes started together on a fresh database (a deploy of several replicas) all migrate on start:
// exactly one must do the work and none may fail.
for (const backend of BACKENDS) {
  describe(`concurrent migrations [${backend}]`, () => {
    test('four processes migrating a fresh database at once all succeed', async () => {
      const database = await createTestDatabase(backend);
      try {
        const runs = Array.from({ length: 4 }, () => sluice(['migrate'], database.env));
        const codes = await Promise.all(runs.map((r) => r.exited));
        assert.deepEqual(codes, [0, 0, 0, 0], runs.map((r) => r.output()).join('\n---\n'));
        const again = sluice(['migrate'], database.env);
        assert.equal(await again.exited, 0, again.output());
      } finally {
        await database.drop();
      }
    });
  });
}

// A PostgreSQL database shared with others (tenants in schemas of their own, test runs) has schemas created
// and dropped while Sluice migrates its own. SQLite has one database per file: nothing to share.
describe('migrations beside other schemas [postgres]', { skip: !BACKENDS.includes('postgres') }, () => {
  test('migrating succeeds while other schemas of the database are dropped', async () => {
    const admin = new pg.Client({ connectionString: PG_BASE_URL });
    await admin.connect();
    const dropper = new pg.Client({ connectionString: PG_BASE_URL });
    await dropper.connect();
    const failures: string[] = [];
    try {
      for (let round = 0; round < 5; round++) {
        const others = Array.from({ length: 10 }, () => `other_${randomBytes(6).toString('hex')}`);
        for (const other of others) {
          await admin.query(`CREATE SCHEMA ${other}`);
          for (let t = 0; t < 10; t++) await admin.query(`CREATE TABLE ${other}.t${t} (id bigserial PRIMARY KEY, a text, b text)`);
        }
        const database = await createTestDatabase('postgres');
        const store = await connect(database.connectOptions);
        const drops = (async () => {
          for (const other of others) await dropper.query(`DROP SCHEMA ${other} CASCADE`);
        })();
        try {
          const applied = await migrateToLatest(store);
          const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(store.db);
          assert.ok(applied.length > 0);
          assert.equal(rows[0]?.n, applied.length);
        } catch (error) {
          failures.push(String(error));
        } finally {
          await drops;
          await store.close();
          await database.drop();
        }
      }
    } finally {
      await dropper.end();
      await admin.end();
    }
    assert.deepEqual(failures, []);
  });
});
