import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { EngineConfig } from '../src/config.js';
import { runRequest, type EngineContext } from '../src/engine/run-request.js';
import { prepareChunk, writeChunk } from '../src/engine/chunk.js';
import { claimRequest } from '../src/engine/sql/claim-request.js';
import { advanceCheckpoint } from '../src/engine/sql/advance-checkpoint.js';
import { itemReader } from '../src/engine/sql/read-items.js';
import { decoderFor, RECORD_SOURCE } from '../src/engine/sources.js';
import type { Store } from '../src/db/connect.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { pauseAfter } from './support/pause.js';
import { landed, sampleRecord, waitFor } from './support/ingest.js';

// PostgreSQL writes a request's next chunk while the one before it commits (capability overlappingChunks,
// docs/engine.md "Two chunks in flight"). These are the moments that overlap could get wrong: the chunk before
// fails, the lease is lost, a cancellation arrives, or both chunks carry the same external id. SQLite writes
// one chunk at a time; the same scenarios run there and must end the same way.

const ROWS = 1000;
const CHUNK = 100;
const csvOf = (stream: string, rows: number) =>
  ['date,amount,description,external_id', ...Array.from({ length: rows }, (_, i) => `2026-03-01,${i + 1}.00,row ${i},${stream}-${i}`)].join('\n');
/** The minor units of rows 0..n-1 of csvOf: (i + 1).00 each. */
const csvSum = (rows: number) => (100 * rows * (rows + 1)) / 2;

function context(store: Store, config: EngineConfig, afterChunk?: EngineContext['afterChunk']): EngineContext {
  return { store, config, metrics: undefined, logger: { info() {}, warn() {}, error() {} }, now: Date.now, stopping: () => false, ...(afterChunk ? { afterChunk } : {}) };
}

for (const backend of BACKENDS) {
  describe(`a request's chunks written side by side [${backend}]`, () => {
    let t: TestApp;
    let config: EngineConfig;
    let streams = 0;

    /** A fresh stream and a staged upload of `rows` CSV rows into it, claimed by `worker`. */
    async function claimedUpload(rows: number, worker: string) {
      const stream = `o${++streams}`;
      assert.equal((await t.call('POST', '/v1/data_streams', { key: stream, name: stream })).status, 201);
      const res = await t.app.inject({ method: 'POST', url: `/v1/data_streams/${stream}/uploads`, headers: { 'x-api-key': t.key, 'content-type': 'text/csv' }, payload: csvOf(stream, rows) });
      assert.equal(res.statusCode, 202, res.body);
      const id = JSON.parse(res.body).id as number;
      const claimed = await claimRequest(t.store.db, t.store.caps, worker, Date.now(), config.leaseMs);
      assert.equal(claimed?.id, id);
      return { stream, id, claimed: claimed! };
    }

    const show = async (id: number) => (await t.call('GET', `/v1/bulk_requests/${id}`)).body;
    const batchesOf = async (stream: string) => (await t.call('GET', `/v1/data_streams/${stream}/import_batches`)).body.data as Array<{ id: number; record_count: number }>;

    before(async () => {
      t = await startTestApp(backend);
      config = { ...t.config.engine, chunkSize: CHUNK };
    });
    after(async () => {
      await t.close();
    });

    test('a lease lost between chunks: the chunk written ahead commits nothing; the new owner lands every row once', async () => {
      const { stream, id, claimed } = await claimedUpload(ROWS, 'worker-a');
      const pause = pauseAfter(3);
      const run = runRequest(context(t.store, config, pause.afterChunk), claimed);
      await pause.paused;
      // Another worker takes the request over while the first one holds between chunks 3 and 4 (on
      // PostgreSQL, chunk 4's records are already in its open transaction).
      const b = await claimRequest(t.store.db, t.store.caps, 'worker-b', Date.now() + config.leaseMs + 1, config.leaseMs);
      assert.equal(b?.id, id);
      pause.release();
      assert.equal(await run, 'lost');
      assert.deepEqual(await landed(t.store, stream), { count: 3 * CHUNK, sum: csvSum(3 * CHUNK), distinctIds: 3 * CHUNK });
      assert.equal((await show(id)).processed_items, 3 * CHUNK);

      assert.equal(await runRequest(context(t.store, config), b!), 'completed');
      const done = await show(id);
      assert.deepEqual([done.status, done.processed_items, done.successful_items], ['completed', ROWS, ROWS]);
      assert.deepEqual(await landed(t.store, stream), { count: ROWS, sum: csvSum(ROWS), distinctIds: ROWS });
      assert.deepEqual((await batchesOf(stream)).map((b) => b.record_count), [ROWS]);
    });

    test('a cancel between chunks: the chunk written ahead rolls back, the request ends at the boundary with what committed', async () => {
      const { stream, id, claimed } = await claimedUpload(ROWS, 'worker-c');
      const pause = pauseAfter(4);
      const run = runRequest(context(t.store, config, pause.afterChunk), claimed);
      await pause.paused;
      assert.equal((await t.call('POST', `/v1/bulk_requests/${id}/cancel`)).status, 202);
      pause.release();
      assert.equal(await run, 'cancelled');
      const cancelled = await show(id);
      assert.deepEqual([cancelled.status, cancelled.processed_items, cancelled.successful_items], ['cancelled', 4 * CHUNK, 4 * CHUNK]);
      assert.deepEqual(await landed(t.store, stream), { count: 4 * CHUNK, sum: csvSum(4 * CHUNK), distinctIds: 4 * CHUNK });
      assert.deepEqual((await batchesOf(stream)).map((b) => b.record_count), [4 * CHUNK]);
    });

    test('an external id in two adjacent chunks: the later item fails against the earlier item’s record', async () => {
      const stream = `o${++streams}`;
      assert.equal((await t.call('POST', '/v1/data_streams', { key: stream, name: stream })).status, 201);
      // Items 100-149 (chunk 2) repeat the ids of items 50-99 (chunk 1); 250-259 (chunk 3) those of 150-159 (chunk 2).
      const records = Array.from({ length: 300 }, (_, i) => sampleRecord(stream, i));
      for (let i = 100; i < 150; i++) records[i] = { ...records[i]!, external_id: records[i - 50]!.external_id };
      for (let i = 250; i < 260; i++) records[i] = { ...records[i]!, external_id: records[i - 100]!.external_id };
      const res = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'error' });
      assert.equal(res.status, 202);
      const claimed = await claimRequest(t.store.db, t.store.caps, 'worker-d', Date.now(), config.leaseMs);
      assert.equal(claimed?.id, res.body.id);
      assert.equal(await runRequest(context(t.store, config), claimed!), 'completed');

      const request = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=200`)).body;
      const rest = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=200&offset=200`)).body;
      assert.deepEqual([request.successful_items, request.failed_items], [240, 60]);
      const failed = [...request.results.data, ...rest.results.data].filter((r: { status: string }) => r.status === 'failed');
      const expected = [...Array.from({ length: 50 }, (_, i) => 100 + i), ...Array.from({ length: 10 }, (_, i) => 250 + i)];
      assert.deepEqual(failed.map((r: { index: number }) => r.index), expected);
      assert.ok(failed.every((r: { error_code: string }) => r.error_code === 'duplicate_external_id'));
      const ids = await t.store.db.selectFrom('records').select(['id', 'external_id']).where('bulk_request_id', '=', res.body.id).execute();
      const idOf = new Map(ids.map((r) => [r.external_id, Number(r.id)]));
      for (const r of failed as Array<{ index: number; record_id: number }>) {
        assert.equal(r.record_id, idOf.get(records[r.index]!.external_id as string), `item ${r.index} names the record its id went to`);
      }
      const got = await landed(t.store, stream);
      assert.deepEqual([got.count, got.distinctIds], [240, 240]);
    });

    test('a chunk written ahead writes, after its wait, an id the chunk before it carried but did not create', async () => {
      // The chunk before carried ids 0 and 1 (so this chunk left them out of its COPY) but created only id 0,
      // as when its item for id 1 failed: after the wait, id 0 is a taken id and id 1 is this chunk's to write.
      const stream = `o${++streams}`;
      assert.equal((await t.call('POST', '/v1/data_streams', { key: stream, name: stream })).status, 201);
      assert.equal((await t.call('POST', '/v1/records', sampleRecord(stream, 0))).status, 201);
      const res = await t.call('POST', '/v1/records/bulk', { records: [0, 1, 2].map((i) => sampleRecord(stream, i)), on_conflict: 'skip' });
      assert.equal(res.status, 202);
      const claimed = await claimRequest(t.store.db, t.store.caps, 'worker-f', Date.now(), config.leaseMs);
      assert.equal(claimed?.id, res.body.id);
      const { items } = await itemReader(t.store.db, claimed!.id).read(0, 10);
      const prepared = await prepareChunk(t.store, claimed!, items, await decoderFor(t.store, claimed!));
      assert.equal(prepared.candidates.length, 3);
      let waited = 0;
      const records = { environmentId: claimed!.environment_id, bulkRequestId: claimed!.id, source: RECORD_SOURCE[claimed!.source], importBatchId: null, now: Date.now() };
      const written = await t.store.db.transaction().execute(async (trx) => {
        const chunk = await writeChunk(trx, t.store, claimed!, records, prepared, items.length, null, { afterCopy: async () => void waited++, earlier: prepared.candidates.slice(0, 2) });
        // The chunk's counts land with its checkpoint, as runRequest writes it.
        const checkpoint = { bulkRequestId: claimed!.id, token: claimed!.claims, counts: chunk.counts, created: chunk.created, fromIndex: 0, nextIndex: 3, now: records.now, leaseMs: config.leaseMs, complete: true };
        assert.equal(await advanceCheckpoint(trx, t.store, checkpoint), true);
        return chunk;
      });
      assert.equal(waited, 1);
      assert.deepEqual(written.counts, { processed: 3, successful: 2, failed: 0, skipped: 1 });
      const got = await landed(t.store, stream);
      assert.deepEqual([got.count, got.distinctIds], [3, 3], 'ids 1 and 2 written once each, id 0 kept');
      const health = (await t.call('GET', `/v1/data_streams/${stream}/health`)).body;
      assert.equal(health.records_count, 3, 'the stream counts the records written after the wait');
    });

    test(
      'a chunk that fails while the next is written ahead: both roll back, the run resumes at the checkpoint, every row lands once',
      { skip: backend === 'sqlite' ? 'SQLite writes one chunk at a time: there is no chunk ahead' : false },
      async () => {
        const { stream, id, claimed } = await claimedUpload(ROWS, 'worker-e');
        const pause = pauseAfter(2);
        const run = runRequest(context(t.store, config, pause.afterChunk), claimed);
        await pause.paused;
        const [batch] = await batchesOf(stream);
        assert.ok(batch, 'the first chunk created the import batch');

        // The import batch row, locked from outside: chunk 3, let through once chunk 2 committed, stops at
        // adding its records to the batch, after its fence and before its commit. Chunk 4 begins meanwhile.
        await t.store.db.connection().execute(async (lock) => {
          await sql`BEGIN`.execute(lock);
          await sql`SELECT id FROM import_batches WHERE id = ${batch.id} FOR UPDATE`.execute(lock);
          const lockPid = Number((await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(lock)).rows[0]!.pid);
          pause.release();
          const writers = async () =>
            (
              await sql<{ pid: number; waiting: boolean }>`
                SELECT l.pid, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.pid AND a.wait_event_type = 'Lock') AS waiting
                FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'records' AND c.relnamespace = current_schema()::regnamespace AND l.mode = 'RowExclusiveLock' AND l.pid <> ${lockPid}
              `.execute(t.store.db)
            ).rows;
          const both = await waitFor('chunk 3 waiting on the batch and chunk 4 written ahead', async () => {
            const rows = await writers();
            return rows.length === 2 && rows.some((r) => r.waiting) ? rows : undefined;
          });
          const blocked = both.find((r) => r.waiting)!;
          // Chunk 3's connection dies, as in a failover: its transaction rolls back, and chunk 4, whose
          // predecessor never committed, must roll back with it.
          await sql`SELECT pg_terminate_backend(${blocked.pid})`.execute(t.store.db);
          await waitFor('chunk 3 gone', async () => (await writers()).every((r) => r.pid !== blocked.pid) || undefined);
          await sql`COMMIT`.execute(lock);
        });

        assert.equal(await run, 'completed', 'the run resumes from the checkpoint after the fault');
        const done = await show(id);
        assert.deepEqual([done.status, done.processed_items, done.successful_items, done.failed_items], ['completed', ROWS, ROWS, 0]);
        assert.deepEqual(await landed(t.store, stream), { count: ROWS, sum: csvSum(ROWS), distinctIds: ROWS });
        assert.deepEqual((await batchesOf(stream)).map((b) => b.record_count), [ROWS]);
        const results = await t.store.db.selectFrom('bulk_request_results').select((eb) => eb.fn.countAll<number>().as('n')).where('bulk_request_id', '=', id).executeTakeFirstOrThrow();
        assert.equal(Number(results.n), 0, 'an upload whose rows all landed keeps no per-row results');
      },
    );
  });
}
