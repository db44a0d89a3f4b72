import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { connect, type Store } from '../../src/db/connect.js';
import { isStopped, writeLockHolder } from '../../src/db/frozen-writer.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/backends.js';
import { waitFor } from '../support/ingest.js';
import { apiOf, assertLandedExactly, bulkRequest, CHAOS, Expected, uploadCsv, tearDown } from '../support/faults.js';
import { serve, sluice, type Child, type Server } from '../support/processes.js';

// A lease holder frozen (SIGSTOP) in the middle of a request and continued (SIGCONT) after another worker
// took the request over. On PostgreSQL it is frozen inside a chunk transaction, which the server ends after
// half the lease (idle_in_transaction_session_timeout, error 25P03 when the zombie next speaks); on SQLite
// outside the write lock (frozen inside it, it is killed: sqlite-frozen-writer.test.ts). Either way the
// zombie must notice, log it, commit nothing, and go back to claiming without exiting.

const KEY = 'sk_test_faults_frozen_worker_0123456789';
const ROWS = CHAOS ? 100_000 : 30_000;
const ENV = {
  SLUICE_BOOTSTRAP_KEY: KEY,
  SLUICE_CHUNK_SIZE: '250',
  SLUICE_LEASE_MS: '2000',
  SLUICE_HEARTBEAT_MS: '400',
  SLUICE_POLL_MS: '100',
  SLUICE_WORKER_CONCURRENCY: '1',
};

for (const backend of BACKENDS) {
  describe(`a frozen lease holder, continued [${backend}]`, { timeout: 300_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let store: Store;
    const children: Child[] = [];
    const api = apiOf(() => server.url, KEY);

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({ ...database.env, ...ENV }, ['--no-worker']);
      children.push(server);
      store = await connect(database.connectOptions);
    });
    after(() => tearDown(children, store, database));

    /**
     * Sessions of the zombie waiting on it inside a transaction (PGAPPNAME names its pool's sessions): the
     * server ends those after the timeout. (Frozen while the server still runs its COMMIT, it would commit
     * normally: a different case, already covered by the fence.)
     */
    const inTransaction = async (appName: string) =>
      Number(
        (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = ${appName} AND state = 'idle in transaction'`.execute(store.db)).rows[0]!.n,
      );

    test('notices it lost its lease and its connection, commits nothing, and claims again without exiting', async () => {
      for (const key of ['zombie', 'later']) assert.equal((await api.json('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key, name: key }) })).status, 201);
      const id = await uploadCsv(api, 'zombie', 0, ROWS);
      const appName = `sluice-zombie-${randomBytes(4).toString('hex')}`;
      const sleeper = sluice(['worker'], { ...database.env, ...ENV, PGAPPNAME: appName, LOG_LEVEL: 'info' });
      children.push(sleeper);
      const pid = sleeper.proc.pid!;
      await waitFor('the sleeper to be under way', async () => (await bulkRequest(store, id)).processed_items >= 2_000, 120_000, 5);

      // Freeze it where it hurts: inside a chunk transaction on PostgreSQL, outside the write lock on SQLite.
      const file = join(database.env.SLUICE_DATA_DIR ?? '', 'sluice.db');
      for (let attempt = 0; ; attempt++) {
        assert.ok(attempt < 2_000, 'never caught the sleeper where wanted');
        sleeper.kill('SIGSTOP');
        await waitFor('the stop', async () => isStopped(pid), 5_000, 1);
        const wanted = backend === 'postgres' ? (await inTransaction(appName)) > 0 : writeLockHolder(file) !== pid;
        if (wanted) break;
        sleeper.kill('SIGCONT');
        await new Promise((resolve) => setTimeout(resolve, 2 + (attempt % 13)));
      }
      const frozenAt = await bulkRequest(store, id);
      if (backend === 'postgres') {
        // The server ends the frozen transaction after half the lease, releasing its row lock for the rescuer.
        await waitFor('the idle-in-transaction timeout', async () => (await inTransaction(appName)) === 0, 30_000, 50);
      }
      const rescuer = sluice(['worker'], { ...database.env, ...ENV });
      children.push(rescuer);
      await waitFor('the takeover', async () => (await bulkRequest(store, id)).claims > frozenAt.claims, 60_000, 20);
      const takenOver = await bulkRequest(store, id);
      assert.equal(takenOver.lease_owner?.includes(`:${pid}:`), false, 'the lease is the rescuer\'s');
      await waitFor('rescuer progress', async () => (await bulkRequest(store, id)).processed_items >= takenOver.processed_items + 1_000, 60_000, 10);

      sleeper.kill('SIGCONT');
      await waitFor('the zombie to notice', async () => /lease lost/.test(sleeper.output()), 60_000, 20);
      if (backend === 'postgres') {
        // Its connection was ended under it (25P03): said once, as a fault, before the fence said "lost".
        assert.match(sleeper.output(), /database unreachable: chunk rolled back/);
      }
      await waitFor('completion', async () => (await bulkRequest(store, id)).status === 'completed', 240_000, 50);
      const done = await bulkRequest(store, id);
      assert.equal(done.processed_items, ROWS);
      assert.equal(done.successful_items, ROWS, 'the zombie\'s rolled-back chunk did not count, nor land');
      await assertLandedExactly(store, 'zombie', new Expected().add(0, ROWS));
      assert.equal(sleeper.proc.exitCode, null, `the zombie is still running:\n${sleeper.output()}`);
      assert.doesNotMatch(sleeper.output(), /"level":60|uncaught|unhandled/i);

      // Back to claiming: with the rescuer gone, the former zombie alone processes the next request.
      rescuer.kill('SIGTERM');
      assert.equal(await rescuer.exited, 0);
      const next = await uploadCsv(api, 'later', 0, 2_000);
      await waitFor('the next request', async () => (await bulkRequest(store, next)).status === 'completed', 60_000, 50);
      // (The API process runs no worker and the rescuer is gone: only the former zombie can have done it.)
      await assertLandedExactly(store, 'later', new Expected().add(0, 2_000));
      sleeper.kill('SIGTERM');
      assert.equal(await sleeper.exited, 0, sleeper.output());
    });
  });
}
