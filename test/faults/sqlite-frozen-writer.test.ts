import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { connect, type Store } from '../../src/db/connect.js';
import { isStopped, writeLockHolder } from '../../src/db/frozen-writer.js';
import { createTestDatabase, type TestDatabase } from '../support/backends.js';
import { waitFor } from '../support/ingest.js';
import { apiOf, assertLandedExactly, bulkRequest, CHAOS, Expected, jsonOf, uploadCsv, tearDown } from '../support/faults.js';
import { serve, sluice, type Child, type Server } from '../support/processes.js';

// SQLite has one writer. A worker frozen (SIGSTOP) while it holds the write lock stalls every write until it
// is killed; Sluice's processes on the same machine find it (/proc/locks names the holder, /proc/<pid>/stat
// says it is stopped) and kill it after a bound (src/db/frozen-writer.ts). Meanwhile no API call may answer
// 500: reads go on, writes wait a bounded time and answer 503 database_busy with Retry-After.

const KEY = 'sk_test_faults_frozen_writer_0123456789';
const ROWS = CHAOS ? 100_000 : 30_000;
const ENV = {
  SLUICE_BOOTSTRAP_KEY: KEY,
  SLUICE_CHUNK_SIZE: '500',
  // A 2 s lease puts the frozen-writer bound at its floor, 1 s (frozenWriterBound).
  SLUICE_LEASE_MS: '2000',
  SLUICE_HEARTBEAT_MS: '400',
  SLUICE_POLL_MS: '100',
  SLUICE_WORKER_CONCURRENCY: '1',
};

/** Stops `child` at a moment it holds the write lock: SIGSTOP, look, SIGCONT and try again if it did not. */
async function freezeHoldingWriteLock(child: Child, file: string): Promise<void> {
  const pid = child.proc.pid!;
  for (let attempt = 0; attempt < 2_000; attempt++) {
    child.kill('SIGSTOP');
    await waitFor('the stop to take effect', async () => isStopped(pid), 5_000, 1);
    if (writeLockHolder(file) === pid) return;
    child.kill('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 3 + (attempt % 17)));
  }
  throw new Error('never caught the worker inside a write transaction');
}

describe('a SQLite writer frozen while holding the write lock [sqlite]', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let server: Server;
  let store: Store;
  const children: Child[] = [];
  const api = apiOf(() => server.url, KEY);

  before(async () => {
    database = await createTestDatabase('sqlite');
    server = await serve({ ...database.env, ...ENV }, ['--no-worker']);
    children.push(server);
    store = await connect(database.connectOptions);
  });
  after(() => tearDown(children, store, database));

  test('is killed and its request taken over; the API never answers 500 meanwhile; the database is intact', async () => {
    const file = join(database.env.SLUICE_DATA_DIR!, 'sluice.db');
    for (const key of ['frozen', 'side']) assert.equal((await api.json('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key, name: key }) })).status, 201);
    const id = await uploadCsv(api, 'frozen', 0, ROWS);
    const victim = sluice(['worker'], { ...database.env, ...ENV });
    children.push(victim);
    await waitFor('the victim to be under way', async () => (await bulkRequest(store, id)).processed_items >= 2_000, 120_000, 5);
    await freezeHoldingWriteLock(victim, file);
    const frozenAt = await bulkRequest(store, id);
    const rescuer = sluice(['worker'], { ...database.env, ...ENV });
    children.push(rescuer);

    // While it is frozen and until it is gone: reads answer, writes answer 202 or a catalogued 503, never 500.
    const statuses: number[] = [];
    const side = new Expected();
    let next = 0;
    const victimGone = victim.exited.then((how) => how);
    let gone = false;
    void victimGone.then(() => (gone = true));
    while (!gone) {
      const read = await api.json(`/v1/bulk_requests/${id}?limit=1`);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      const write = await api.json('/v1/records/bulk', { method: 'POST', body: JSON.stringify({ records: jsonOf('side', next, next + 1) }) });
      statuses.push(write.status);
      if (write.status === 202) side.add(next, next + 1);
      else {
        assert.equal(write.status, 503, JSON.stringify(write.body));
        assert.equal(write.body.error, 'database_busy');
        assert.ok(Number(write.headers.get('retry-after')) > 0);
      }
      next++;
    }
    assert.equal(await victimGone, 'SIGKILL', 'the frozen writer was killed');
    const log = server.output() + rescuer.output();
    assert.match(log, /killed a stopped Sluice process that held the SQLite write lock/);

    await waitFor('completion by the rescuer', async () => (await bulkRequest(store, id)).status === 'completed', 240_000, 50);
    const done = await bulkRequest(store, id);
    assert.ok(done.claims >= 2, 'taken over');
    assert.equal(done.processed_items, ROWS);
    assert.equal(done.successful_items, ROWS);
    assert.ok(frozenAt.processed_items < ROWS);
    await assertLandedExactly(store, 'frozen', new Expected().add(0, ROWS));

    // Writes go through again, and every side write that got its 202 is processed exactly once.
    const after = await api.json('/v1/records/bulk', { method: 'POST', body: JSON.stringify({ records: jsonOf('side', next, next + 1) }) });
    assert.equal(after.status, 202);
    side.add(next, next + 1);
    await waitFor('the side writes', async () => {
      const rows = await store.db.selectFrom('bulk_requests').select('status').where('status', 'in', ['pending', 'processing']).execute();
      return rows.length === 0;
    }, 60_000, 50);
    await assertLandedExactly(store, 'side', side);
    const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(store.db);
    assert.deepEqual(integrity.rows, [{ integrity_check: 'ok' }]);
    assert.equal(server.proc.exitCode, null);
    assert.equal(rescuer.proc.exitCode, null);
    assert.doesNotMatch(server.output(), /unhandled error|"statusCode":5\d\d,"error":"internal/);
  });
});
