import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { connect, type Store } from '../../src/db/connect.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/backends.js';
import { waitFor } from '../support/ingest.js';
import { apiOf, assertLandedExactly, bulkRequest, CHAOS, csvOf, Expected, uploadCsv, tearDown } from '../support/faults.js';
import { serve, sluice, type Child, type Server } from '../support/processes.js';

// kill -9 of `sluice serve` and `sluice worker` at the points an operator's bad day picks: while an upload
// is being received and staged, and in the middle of chunks. Whatever was killed, the user ends up with
// exactly the rows of every upload that got its 202 (and none of one that did not), and on SQLite a file
// that passes `PRAGMA integrity_check`. `npm run chaos` kills more often, on bigger ingests.

const KEY = 'sk_test_faults_kills_0123456789abcdefgh';
const ROWS = CHAOS ? 200_000 : 30_000;
/** Fractions of the ingest at which the processing side is killed (each time a fresh one is started). */
const KILL_POINTS = CHAOS ? [0.1, 0.25, 0.4, 0.55, 0.7, 0.85] : [0.2, 0.6];
const ENV = {
  SLUICE_BOOTSTRAP_KEY: KEY,
  SLUICE_CHUNK_SIZE: CHAOS ? '1000' : '250',
  SLUICE_LEASE_MS: '2000',
  SLUICE_HEARTBEAT_MS: '400',
  SLUICE_POLL_MS: '100',
  SLUICE_MAX_CLAIMS: '50',
};

/** The CSV of rows [from, to), sent slowly: the upload is still streaming when the server is killed. */
function slowCsv(from: number, to: number): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of csvOf(from, to)) {
        yield chunk;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })(),
  );
}

for (const backend of BACKENDS) {
  describe(`kill -9 during a large ingest [${backend}]`, { timeout: CHAOS ? 1_800_000 : 300_000 }, () => {
    let database: TestDatabase;
    let store: Store;
    const children: Child[] = [];
    const env = () => ({ ...database.env, ...ENV });

    before(async () => {
      database = await createTestDatabase(backend);
      store = await connect(database.connectOptions);
    });
    after(() => tearDown(children, store, database));

    const startServe = async (args: string[] = []) => {
      const server = await serve(env(), args);
      children.push(server);
      return server;
    };

    test('serve killed while receiving an upload: that upload ends failed with nothing landed; sent again, it lands exactly', async () => {
      let server = await startServe();
      const api = apiOf(() => server.url, KEY);
      assert.equal((await api.json('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key: 'staging', name: 'staging' }) })).status, 201);
      const sending = api(`/v1/data_streams/staging/uploads?filename=cut.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: Readable.toWeb(slowCsv(0, ROWS)) as unknown as BodyInit,
        duplex: 'half',
      }).then(
        (res) => res.status,
        () => 'connection lost',
      );
      const staging = await waitFor('items being staged', async () => {
        const row = await store.db.selectFrom('bulk_requests').selectAll().where('parsing', '=', 1).executeTakeFirst();
        return row && row.total_items > 0 ? row : undefined;
      }, 60_000, 5);
      const segmentsOf = async (id: number) =>
        Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM bulk_request_segments WHERE bulk_request_id = ${id}`.execute(store.db)).rows[0]?.n);
      // Killed with segments committed and more on the way: the staging path itself is what dies.
      assert.ok((await segmentsOf(staging.id)) > 0, 'segments were being staged');
      server.kill('SIGKILL');
      await server.exited;
      assert.equal(await sending, 'connection lost', 'the client never got a 202');

      server = await startServe();
      await waitFor('the interrupted upload to be ended', async () => (await bulkRequest(store, staging.id)).status === 'failed', 60_000, 50);
      const failed = await bulkRequest(store, staging.id);
      assert.match(failed.error_details ?? '', /upload_interrupted/);
      assert.equal(failed.total_items, 0);
      assert.equal(await segmentsOf(staging.id), 0, 'nothing of the cut file stays staged');
      await assertLandedExactly(store, 'staging', new Expected());

      const id = await uploadCsv(api, 'staging', 0, ROWS);
      await waitFor('the upload sent again', async () => (await bulkRequest(store, id)).status === 'completed', 240_000, 50);
      await assertLandedExactly(store, 'staging', new Expected().add(0, ROWS));
      assert.equal(await server.stop(), 0);
    });

    for (const killed of ['serve', 'worker'] as const) {
      test(`${killed} killed mid-chunk ${KILL_POINTS.length} times: every row exactly once`, async () => {
        const stream = `mid-${killed}`;
        // The API outlives the kills when it is the worker that dies; when serve dies, its engine thread dies with it.
        let server = await startServe(killed === 'worker' ? ['--no-worker'] : []);
        const api = apiOf(() => server.url, KEY);
        assert.equal((await api.json('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key: stream, name: stream }) })).status, 201);
        const id = await uploadCsv(api, stream, 0, ROWS);
        let worker = killed === 'worker' ? sluice(['worker'], env()) : undefined;
        if (worker) children.push(worker);
        for (const point of KILL_POINTS) {
          await waitFor(`${point * 100}% processed`, async () => (await bulkRequest(store, id)).processed_items >= ROWS * point, 240_000, 2);
          const atKill = await bulkRequest(store, id);
          assert.equal(atKill.status, 'processing', 'killed in the middle');
          if (worker) {
            worker.kill('SIGKILL');
            await worker.exited;
            worker = sluice(['worker'], env());
            children.push(worker);
          } else {
            server.kill('SIGKILL');
            await server.exited;
            server = await startServe();
          }
        }
        await waitFor('completion', async () => (await bulkRequest(store, id)).status === 'completed', 240_000, 50);
        const done = await bulkRequest(store, id);
        assert.ok(done.claims >= KILL_POINTS.length + 1, `taken over after each kill (claims ${done.claims})`);
        assert.equal(done.processed_items, ROWS);
        assert.equal(done.successful_items, ROWS);
        await assertLandedExactly(store, stream, new Expected().add(0, ROWS));
        const status = await api.json(`/v1/bulk_requests/${id}?limit=1`);
        assert.equal(status.body.successful_items, ROWS);
        if (backend === 'sqlite') {
          const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(store.db);
          assert.deepEqual(integrity.rows, [{ integrity_check: 'ok' }]);
        }
        worker?.kill('SIGTERM');
        await worker?.exited;
        assert.equal(await server.stop(), 0);
      });
    }
  });
}
