import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type EngineConfig } from '../src/config.js';
import { sql } from 'kysely';
import { connect, LISTENER_APPLICATION_NAME } from '../src/db/connect.js';
import { addItems, insertBulkRequest } from '../src/bulk/bulk-request.repository.js';
import { runRequest, type EngineContext } from '../src/engine/run-request.js';
import { claimRequest } from '../src/engine/sql/claim-request.js';
import { Worker } from '../src/engine/worker.js';
import type { Store } from '../src/db/connect.js';
import { startTestApp, type TestApp } from './support/app.js';
import { pauseAfter } from './support/pause.js';
import { BACKENDS } from './support/backends.js';
import { landed, sampleRecord, sumOfAmounts, waitFor } from './support/ingest.js';

function context(store: Store, config: EngineConfig, now: () => number = Date.now, afterChunk?: EngineContext['afterChunk']): EngineContext {
  return { store, config, metrics: undefined, logger: { info() {}, warn() {}, error() {} }, now, stopping: () => false, ...(afterChunk ? { afterChunk } : {}) };
}


for (const backend of BACKENDS) {
  describe(`engine [${backend}]`, () => {
    let t: TestApp;
    let engine: EngineConfig;
    let streamCounter = 0;

    async function freshStream(): Promise<string> {
      const key = `s${++streamCounter}`;
      assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
      return key;
    }

    async function submit(stream: string, from: number, count: number, extra: Record<string, unknown> = {}) {
      const records = Array.from({ length: count }, (_, i) => sampleRecord(stream, from + i));
      const res = await t.call('POST', '/v1/records/bulk', { records, ...extra });
      assert.equal(res.status, 202);
      return res.body as { id: number; url: string };
    }

    const show = async (id: number) => (await t.call('GET', `/v1/bulk_requests/${id}`)).body;

    before(async () => {
      t = await startTestApp(backend, { SLUICE_STUCK_AFTER_MS: '200', SLUICE_MAX_CLAIMS: '2', SLUICE_CHUNK_SIZE: '100' });
      engine = t.config.engine;
    });
    after(async () => {
      await t.close();
    });

    test('cancel: pending ends cancelled at once; completed, failed and cancelled answer 409; retry of pending 409', async () => {
      const stream = await freshStream();
      const pending = await submit(stream, 0, 3);
      const retryPending = await t.call('POST', `${pending.url}/retry`);
      assert.equal(retryPending.status, 409);
      assert.equal(retryPending.body.error, 'bulk_request_not_retryable');

      const cancelled = await t.call('POST', `${pending.url}/cancel`);
      assert.equal(cancelled.status, 202);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.ok(cancelled.body.cancellation_requested_at);
      assert.ok(cancelled.body.completed_at);
      await t.drain();
      assert.equal((await show(pending.id)).processed_items, 0, 'a cancelled pending request is never processed');

      const again = await t.call('POST', `${pending.url}/cancel`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error, 'bulk_request_not_cancellable');

      const done = await submit(stream, 10, 2);
      await t.drain();
      assert.equal((await t.call('POST', `${done.url}/cancel`)).status, 409);
    });

    test('completed with failed rows is not retryable (as in the contract)', async () => {
      const stream = await freshStream();
      const res = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord(stream, 1), { ...sampleRecord(stream, 2), amount: 'x' }] });
      await t.drain();
      const body = await show(res.body.id);
      assert.equal(body.status, 'completed');
      assert.equal(body.failed_items, 1);
      const retry = await t.call('POST', `${res.body.url}/retry`);
      assert.equal(retry.status, 409);
      assert.equal(retry.body.error, 'bulk_request_not_retryable');
    });

    test('cancel while processing: ends at a chunk boundary, committed rows stay, re-cancel bumps, retry loses nothing', async () => {
      const stream = await freshStream();
      const config = { ...engine, chunkSize: 1 };
      const request = await submit(stream, 0, 1000);
      const claimed = await claimRequest(t.store.db, t.store.caps, 'worker-a', Date.now(), config.leaseMs);
      assert.equal(claimed?.id, request.id);
      assert.equal((await show(request.id)).status, 'processing');
      assert.equal((await t.call('POST', `${request.url}/retry`)).status, 409, 'processing is not retryable');

      const pause = pauseAfter(5);
      const run = runRequest(context(t.store, config, Date.now, pause.afterChunk), claimed!);
      await pause.paused;
      const first = await t.call('POST', `${request.url}/cancel`);
      assert.equal(first.status, 202);
      assert.equal(first.body.status, 'processing');
      assert.ok(first.body.cancellation_requested_at);
      await new Promise((r) => setTimeout(r, 5));
      const second = await t.call('POST', `${request.url}/cancel`);
      assert.equal(second.status, 202);
      assert.ok(second.body.cancellation_requested_at > first.body.cancellation_requested_at, 're-cancelling bumps the timestamp');
      pause.release();
      assert.equal(await run, 'cancelled');

      const cancelled = await show(request.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.processed_items, 5, 'the cancel took effect at the next chunk boundary');
      const before = await landed(t.store, stream);
      assert.equal(before.count, cancelled.successful_items, 'committed rows stay committed');

      const retry = await t.call('POST', `${request.url}/retry`);
      assert.equal(retry.status, 202);
      assert.equal(retry.body.parent_bulk_request_id, request.id);
      assert.equal(retry.body.total_items, 1000 - cancelled.processed_items, 'the child re-runs every never-processed item');
      assert.equal(retry.body.on_conflict, 'skip');
      assert.equal(retry.body.data_stream_id, cancelled.data_stream_id);

      const twice = await t.call('POST', `${request.url}/retry`);
      assert.equal(twice.status, 409);
      assert.equal(twice.body.error, 'bulk_request_already_retried');
      assert.equal(twice.body.details.child_bulk_request_id, retry.body.id);

      await t.drain();
      const child = await t.call('GET', `/v1/bulk_requests/${retry.body.id}?limit=5`);
      assert.equal(child.body.status, 'completed');
      assert.equal(child.body.results.data[0].index, cancelled.processed_items, 'results keep the parent indexes');
      assert.deepEqual(await landed(t.store, stream), { count: 1000, sum: sumOfAmounts(0, 1000), distinctIds: 1000 });
      const children = await t.call('GET', `/v1/bulk_requests?parent_bulk_request_id=${request.id}`);
      assert.deepEqual(children.body.data.map((r: { id: number }) => r.id), [retry.body.id]);
    });

    test('a request claimed more than max claims ends failed; its retry re-runs everything, with an on_conflict override', async () => {
      const stream = await freshStream();
      // One record exists already, so the retry's override is visible.
      await submit(stream, 0, 1);
      await t.drain();
      const request = await submit(stream, 0, 50);
      let clock = Date.now();
      // Three workers claim it and die (their leases lapse) without committing anything.
      for (let i = 0; i < 3; i++) {
        const claimed = await claimRequest(t.store.db, t.store.caps, `doomed-${i}`, clock, engine.leaseMs);
        assert.equal(claimed?.id, request.id);
        clock += engine.leaseMs + 1;
      }
      const claimed = await claimRequest(t.store.db, t.store.caps, 'last', clock, engine.leaseMs);
      assert.equal(claimed?.claims, 4);
      assert.equal(await runRequest(context(t.store, engine, () => clock), claimed!), 'failed');
      const failed = await show(request.id);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error_message, /claims/);
      assert.equal(failed.processed_items, 0);
      assert.equal((await t.call('POST', `${request.url}/cancel`)).status, 409);

      const retry = await t.call('POST', `${request.url}/retry`, { on_conflict: 'error' });
      assert.equal(retry.status, 202);
      assert.equal(retry.body.on_conflict, 'error');
      assert.equal(retry.body.total_items, 50);
      await t.drain();
      const child = await show(retry.body.id);
      assert.equal(child.successful_items, 49);
      assert.equal(child.failed_items, 1);
      assert.equal(child.results.data[0].error_code, 'duplicate_external_id');
    });

    test('items with gaps of any size between their indexes (a retry keeps its parent\'s) are each run once, in order', async () => {
      const stream = await freshStream();
      // Dense, then sparse (gaps of 997, wider than a read window), then one far beyond: chunks of 100 must
      // cross empty windows without stopping early or reading an item twice.
      const indexes = [...Array.from({ length: 120 }, (_, i) => i), ...Array.from({ length: 130 }, (_, i) => 500 + i * 997), 700_000];
      const environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
      const now = Date.now();
      const id = await t.store.db.transaction().execute(async (trx) => {
        const { row } = await insertBulkRequest(trx, {
          environmentId, source: 'bulk_api', onConflict: 'error', dryRun: false, filename: null, dataStreamId: null,
          idempotencyKey: null, requestHash: null, options: {}, parsing: true, now,
        });
        const items = indexes.map((index) => ({ index, rowNumber: null, payload: JSON.stringify(sampleRecord(stream, index)) }));
        await addItems(trx, row.id, items, true, now);
        return row.id;
      });
      await t.drain();
      const done = await show(id);
      assert.equal(done.status, 'completed');
      assert.equal(done.successful_items, indexes.length);
      assert.equal((await landed(t.store, stream)).distinctIds, indexes.length);
      const seen: number[] = [];
      for (let offset = 0; offset < indexes.length; offset += 200) {
        const page = (await t.call('GET', `/v1/bulk_requests/${id}?limit=200&offset=${offset}`)).body;
        for (const r of page.results.data) seen.push(r.index);
      }
      assert.deepEqual(seen, indexes);
    });

    test('wide items end a chunk at 4 MiB of payload, whatever the chunk size; every item still runs once', async () => {
      const stream = await freshStream();
      const environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
      const now = Date.now();
      // 1.5 MiB each: items 0-2 start within the first 4 MiB (the third ends past it), items 3-4 make the next chunk.
      const wide = (i: number) => JSON.stringify({ ...sampleRecord(stream, i), description: `${i}`.padEnd(1.5 * 1024 * 1024, 'x') });
      const id = await t.store.db.transaction().execute(async (trx) => {
        const { row } = await insertBulkRequest(trx, {
          environmentId, source: 'bulk_api', onConflict: 'error', dryRun: false, filename: null, dataStreamId: null,
          idempotencyKey: null, requestHash: null, options: {}, parsing: true, now,
        });
        await addItems(trx, row.id, [0, 1, 2, 3, 4].map((index) => ({ index, rowNumber: null, payload: wide(index) })), true, now);
        return row.id;
      });
      const claimed = await claimRequest(t.store.db, t.store.caps, 'w', Date.now(), engine.leaseMs);
      assert.equal(claimed?.id, id);
      const chunks: number[] = [];
      assert.equal(await runRequest(context(t.store, engine, Date.now, (_id, processed) => void chunks.push(processed)), claimed!), 'completed');
      assert.deepEqual(chunks, [3], 'the first chunk holds 3 items (chunk size 100); the second, the last, completes the request');
      const done = await show(id);
      assert.equal(done.processed_items, 5);
      // The descriptions are far over the limit: each item fails on its own, once.
      assert.deepEqual(done.results.data.map((r: { index: number; error_code: string }) => [r.index, r.error_code]), [0, 1, 2, 3, 4].map((i) => [i, 'invalid_description']));
    });

    test('a retry with nothing left to run is completed at once with progress 100', async () => {
      const stream = await freshStream();
      const request = await submit(stream, 0, 2);
      const claimed = await claimRequest(t.store.db, t.store.caps, 'w', Date.now(), engine.leaseMs);
      await runRequest(context(t.store, engine), claimed!);
      // Force the finished request into `failed` the way an operator-visible engine failure would leave it.
      await t.store.db.updateTable('bulk_requests').set({ status: 'failed' }).where('id', '=', request.id).execute();
      const retry = await t.call('POST', `${request.url}/retry`);
      assert.equal(retry.body.total_items, 0);
      assert.equal(retry.body.status, 'completed');
      assert.equal(retry.body.progress, 100);
    });

    test('a worker that lost its lease commits nothing; the new owner finishes exactly once', async () => {
      const stream = await freshStream();
      const request = await submit(stream, 0, 300);
      const t0 = Date.now();
      const a = await claimRequest(t.store.db, t.store.caps, 'worker-a', t0, engine.leaseMs);
      const b = await claimRequest(t.store.db, t.store.caps, 'worker-b', t0 + engine.leaseMs + 1, engine.leaseMs);
      assert.equal(a?.id, request.id);
      assert.equal(b?.id, request.id);
      assert.equal(b!.claims, a!.claims + 1);
      assert.equal(await runRequest(context(t.store, engine), a!), 'lost');
      assert.equal((await landed(t.store, stream)).count, 0);
      assert.equal(await runRequest(context(t.store, engine), b!), 'completed');
      assert.deepEqual(await landed(t.store, stream), { count: 300, sum: sumOfAmounts(0, 300), distinctIds: 300 });
    });

    test('stuck: processing without progress past the threshold, until a worker takes it over', async () => {
      const stream = await freshStream();
      const request = await submit(stream, 0, 5);
      const claimed = await claimRequest(t.store.db, t.store.caps, 'sleepy', Date.now(), 150);
      assert.ok(claimed);
      assert.equal((await show(request.id)).stuck, false);
      await new Promise((r) => setTimeout(r, engine.stuckAfterMs + 50));
      const stuck = await show(request.id);
      assert.equal(stuck.stuck, true);
      const listed = await t.call('GET', '/v1/bulk_requests?stuck=true');
      assert.deepEqual(listed.body.data.map((r: { id: number }) => r.id), [request.id]);
      const notStuck = await t.call('GET', '/v1/bulk_requests?stuck=false&limit=200');
      assert.ok(!notStuck.body.data.some((r: { id: number }) => r.id === request.id));
      // Its lease (150 ms) has expired: the next worker takes it over and it is no longer stuck.
      await t.drain();
      const done = await show(request.id);
      assert.equal(done.stuck, false);
      assert.equal(done.status, 'completed');
      assert.equal((await landed(t.store, stream)).count, 5);
    });

    test('graceful stop gives the request back; another worker resumes from the checkpoint', async () => {
      const stream = await freshStream();
      const config = { ...engine, chunkSize: 1, pollMs: 60_000 };
      const request = await submit(stream, 0, 600);
      const pause = pauseAfter(3);
      const worker = new Worker(t.store, config, { afterChunk: pause.afterChunk });
      worker.start();
      await pause.paused;
      const stopped = worker.stop();
      pause.release();
      await stopped;
      const released = await show(request.id);
      assert.equal(released.status, 'pending');
      assert.ok(released.processed_items < 600);
      const row = await t.store.db.selectFrom('bulk_requests').select(['claims', 'released_claims']).where('id', '=', request.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { claims: 1, released_claims: 1 });
      await t.drain();
      assert.equal((await show(request.id)).status, 'completed');
      assert.deepEqual(await landed(t.store, stream), { count: 600, sum: sumOfAmounts(0, 600), distinctIds: 600 });
    });

    test('workers wake at once when a request is created (no polling needed)', async () => {
      const stream = await freshStream();
      // The worker has its own connection, as a separate worker process would; on PostgreSQL it hears NOTIFY.
      const workerStore = await connect({ ...t.database.connectOptions, listen: true });
      const shared = t.store.caps.crossProcessWakeup ? workerStore : t.store;
      const worker = new Worker(shared, { ...engine, pollMs: 3_600_000 });
      worker.start();
      try {
        await new Promise((r) => setTimeout(r, 100));
        const request = await submit(stream, 0, 10);
        const started = Date.now();
        await waitFor('completion', async () => (await show(request.id)).status === 'completed', 10_000);
        assert.ok(Date.now() - started < 5_000);
        if (t.store.caps.crossProcessWakeup) {
          // The listening connection drops (as in a database restart): it reconnects and wake-ups go on.
          const dropped = await sql<{ n: number }>`
            SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
            WHERE application_name = ${LISTENER_APPLICATION_NAME} AND pid <> pg_backend_pid()
          `.execute(t.store.db);
          assert.ok(Number(dropped.rows[0]!.n) >= 1);
          await new Promise((r) => setTimeout(r, 1_000));
          const after = await submit(stream, 100, 10);
          await waitFor('completion after the reconnect', async () => (await show(after.id)).status === 'completed', 10_000);
        }
      } finally {
        await worker.stop();
        await workerStore.close();
      }
    });
  });
}

test('engine timings are validated at start', () => {
  assert.throws(() => loadConfig({ SLUICE_HEARTBEAT_MS: '70000', SLUICE_LEASE_MS: '60000' }), /SLUICE_HEARTBEAT_MS/);
  assert.throws(() => loadConfig({ SLUICE_CHUNK_SIZE: 'lots' }), /SLUICE_CHUNK_SIZE/);
});
