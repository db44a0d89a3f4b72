import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { connect, type Store } from '../../src/db/connect.js';
import { sqliteFileIn } from '../../src/db/location.js';
import { createTestDatabase, type TestDatabase } from '../support/backends.js';
import { waitFor } from '../support/ingest.js';
import { apiOf, assertLandedExactly, bulkRequest, Expected, jsonOf, uploadCsv } from '../support/faults.js';
import { serve, sluice, type Child, type Server } from '../support/processes.js';

// Another process (here: the test, like an operator's script or a backup tool) holds SQLite's write lock for
// longer than Sluice waits for it (10 s). It is running, not frozen, so nobody kills it. Meanwhile reads
// answer, a write answers a catalogued 503 with Retry-After (never 500), and the worker's chunk is retried
// with backoff until the lock is free; a process starting meanwhile waits to migrate instead of exiting.
// Then everything completes exactly.

const KEY = 'sk_test_faults_sqlite_busy_0123456789ab';
const ENV = { SLUICE_BOOTSTRAP_KEY: KEY, SLUICE_CHUNK_SIZE: '50', SLUICE_LEASE_MS: '60000', SLUICE_POLL_MS: '100' };
const ROWS = 40_000;
// Past three of Sluice's 10 s waits, plus a process's start. A worker's statements are synchronous: a claim
// poll that meets the lock first blocks the worker for its whole wait, and only then does the chunk's own
// wait begin; with one wait's margin the chunk could get the lock at its release and never roll back (seen
// once in CI-like runs), so the lock outlasts a claim's wait, the chunk's and a spare one.
const HOLD_MS = 32_000;

describe('the SQLite write lock held by another process past the wait [sqlite]', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let server: Server;
  let worker: Child;
  let late: Child;
  let holder: Store;
  const api = apiOf(() => server.url, KEY);

  before(async () => {
    database = await createTestDatabase('sqlite');
    server = await serve({ ...database.env, ...ENV }, ['--no-worker']);
    holder = await connect(database.connectOptions);
  });
  after(async () => {
    server?.kill('SIGKILL');
    worker?.kill('SIGKILL');
    late?.kill('SIGKILL');
    await Promise.all([server?.exited, worker?.exited, late?.exited]);
    await holder?.close();
    await database?.drop();
  });

  test('reads answer, writes answer 503 database_busy, the chunk is retried and the request completes exactly', async () => {
    assert.equal((await api.json('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key: 'busy', name: 'busy' }) })).status, 201);
    const id = await uploadCsv(api, 'busy', 0, ROWS);
    // A worker started while another process held the lock would wait for it to migrate; this one is under way.
    worker = sluice(['worker'], { ...database.env, ...ENV, LOG_LEVEL: 'info' });
    await waitFor('the worker under way', async () => (await bulkRequest(holder, id)).processed_items >= 1_000, 60_000, 2);

    // The lock is taken between two of the worker's chunks by trying without waiting, over and over: SQLite's
    // busy handler is not fair (a waiting connection sleeps ever longer while the worker commits chunk after
    // chunk), and a plain waiting BEGIN got the lock only once the request had finished.
    const raw = new BetterSqlite3(sqliteFileIn(database.env.SLUICE_DATA_DIR!), { timeout: 0 });
    const giveUpAt = Date.now() + 20_000;
    for (;;) {
      try {
        raw.exec('BEGIN IMMEDIATE');
        break;
      } catch (error) {
        if (Date.now() > giveUpAt) throw error;
      }
    }
    raw.exec('UPDATE environments SET name = name');
    assert.notEqual((await bulkRequest(holder, id)).status, 'completed', 'the lock must be taken while the request still runs');
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve)).then(() => {
      raw.exec('COMMIT');
      raw.close();
    });
    const releaseAt = setTimeout(release, HOLD_MS);
    try {
      // A process starting now must migrate, which needs the lock: it waits instead of exiting.
      late = sluice(['worker'], { ...database.env, ...ENV });
      const read = await api.json(`/v1/bulk_requests/${id}?limit=1`);
      assert.equal(read.status, 200);
      const write = await api.json('/v1/records/bulk', { method: 'POST', body: JSON.stringify({ records: jsonOf('busy', ROWS, ROWS + 1) }) });
      assert.equal(write.status, 503, JSON.stringify(write.body));
      assert.equal(write.body.error, 'database_busy');
      assert.ok(Number(write.headers.get('retry-after')) > 0);
    } finally {
      await hold.catch(() => {});
      clearTimeout(releaseAt);
      release();
    }
    await hold;
    assert.equal(worker.proc.exitCode, null, worker.output());
    await waitFor('the late worker to start', async () => /Worker started/.test(late.output()), 60_000, 50);
    assert.match(late.output(), /the database is locked by another process; waiting to migrate/);
    assert.equal(late.proc.exitCode, null, late.output());
    await waitFor('completion once the lock is free', async () => (await bulkRequest(holder, id)).status === 'completed', 120_000, 50);
    assert.match(worker.output(), /database write lock held elsewhere: chunk rolled back, retrying from the checkpoint/);
    // The refused write changed nothing: only the accepted request's rows are there.
    assert.ok((await bulkRequest(holder, id)).claims === 1, 'the worker kept its claim through the wait');
    await assertLandedExactly(holder, 'busy', new Expected().add(0, ROWS));
    const again = await api.json('/v1/records/bulk', { method: 'POST', body: JSON.stringify({ records: jsonOf('busy', ROWS, ROWS + 1) }) });
    assert.equal(again.status, 202, 'sent again, the write is taken');
    await waitFor('the second request', async () => (await bulkRequest(holder, again.body.id)).status === 'completed', 60_000, 50);
    await assertLandedExactly(holder, 'busy', new Expected().add(0, ROWS + 1));
    assert.equal(worker.proc.exitCode, null, worker.output());
    assert.equal(server.proc.exitCode, null, server.output());
    assert.doesNotMatch(server.output(), /unhandled error/);
  });
});
