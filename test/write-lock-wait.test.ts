import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { connect } from '../src/db/connect.js';
import { BACKENDS, openTestStore } from './support/backends.js';

// Two processes (or the API and engine threads of `sluice serve`) share one database. While a write of one
// waits for the other's lock, the waiting side must go on answering reads: on SQLite the wait happens
// outside SQLite's busy handler, which would sleep the whole thread (src/db/connect.ts).
for (const backend of BACKENDS) {
  describe(`waiting for another connection's write lock [${backend}]`, () => {
    test('reads through the waiting store go on; the write proceeds once the lock is released', async () => {
      const { store: holder, database, close } = await openTestStore(backend);
      const waiter = await connect(database.connectOptions);
      try {
        const id = (await sql<{ id: number }>`INSERT INTO environments (name, created_at) VALUES ('locked', 1) RETURNING id`.execute(holder.db)).rows[0]!.id;
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        const first = holder.db.transaction().execute(async (trx) => {
          await sql`UPDATE environments SET name = 'first' WHERE id = ${id}`.execute(trx);
          holding();
          await gate;
        });
        await held;
        const events: string[] = [];
        const second = waiter.db
          .transaction()
          .execute((trx) => sql`UPDATE environments SET name = 'second' WHERE id = ${id}`.execute(trx))
          .then(() => events.push('write'));
        // Let the write reach its wait for the lock, then read through the same store.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const row = await waiter.db.selectFrom('environments').select('name').where('id', '=', id).executeTakeFirstOrThrow();
        events.push('read');
        assert.equal(row.name, 'locked', 'the read sees what is committed, not the holder\'s open write');
        release();
        await first;
        await second;
        assert.deepEqual(events, ['read', 'write'], 'the read was answered while the write waited');
        const final = await waiter.db.selectFrom('environments').select('name').where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(final.name, 'second');
      } finally {
        await waiter.close();
        await close();
      }
    });
  });
}
