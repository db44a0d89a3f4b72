import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { claimRequest } from '../src/engine/sql/claim-request.js';
import { Worker } from '../src/engine/worker.js';
import { streamHealthQuery } from '../src/streams/stream-health.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { countRecords, fillStream, insertImportBatch } from './support/fill-stream.js';
import { sampleRecord } from './support/ingest.js';

for (const backend of BACKENDS) {
  describe(`data stream health [${backend}]`, { timeout: 300_000 }, () => {
    let t: TestApp;
    let environmentId: number;

    before(async () => {
      t = await startTestApp(backend, { SLUICE_STUCK_AFTER_MS: '60000' });
      environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
    });
    after(async () => {
      await t.close();
    });

    async function createStream(key: string): Promise<number> {
      const res = await t.call('POST', '/v1/data_streams', { key, name: key });
      assert.equal(res.status, 201);
      return res.body.id;
    }

    async function bulk(stream: string, from: number, count: number): Promise<number> {
      const res = await t.call('POST', '/v1/records/bulk', { records: Array.from({ length: count }, (_, i) => sampleRecord(stream, from + i)) });
      assert.equal(res.status, 202);
      return res.body.id;
    }

    const importBatch = (streamId: number, bulkRequestId: number, recordCount: number) =>
      insertImportBatch(t.store, { environmentId, streamId, bulkRequestId, recordCount });

    const health = async (key: string) => {
      const res = await t.call('GET', `/v1/data_streams/${key}/health`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };

    test('an empty stream: zeros and no last ingestion', async () => {
      await createStream('empty');
      assert.deepEqual(await health('empty'), {
        records_count: 0,
        import_batches_count: 0,
        import_batches_record_sum: 0,
        orphan_records_count: 0,
        bulk_requests: { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0, stuck: 0 },
        last_ingestion_at: null,
      });
      assert.equal((await t.call('GET', '/v1/data_streams/empty/health', undefined, { as: t.otherKey })).status, 404);
      assert.equal((await t.call('GET', '/v1/data_streams/missing/health')).body.error, 'data_stream_not_found');
    });

    test('records from bulk requests, POST /records and import batches; bulk requests by status, stuck included', async () => {
      const streamId = await createStream('watched');
      // Completed bulk requests: 30 records without an import batch.
      const completed = [await bulk('watched', 0, 20), await bulk('watched', 20, 10)];
      await t.drain();
      // Two records through POST /records, also without a batch.
      for (const i of [100, 101]) assert.equal((await t.call('POST', '/v1/records', sampleRecord('watched', i))).status, 201);
      // Uploads' records: two batches, the second one with a record since deleted (its total says 5, 4 remain).
      const first = await importBatch(streamId, completed[0]!, 1_000);
      const second = await importBatch(streamId, completed[1]!, 5);
      const newest = Date.now() + 60_000;
      await fillStream(t.store, { environmentId, streamId, count: 1_000, prefix: 'u1-', importBatchId: first, createdAt: newest - 100 });
      await fillStream(t.store, { environmentId, streamId, count: 5, prefix: 'u2-', importBatchId: second, createdAt: newest });
      const gone = await t.store.db.selectFrom('records').select('id').where('external_id', '=', 'u2-4').executeTakeFirstOrThrow();
      assert.equal((await t.call('DELETE', `/v1/records/${gone.id}`)).status, 204);

      // One of each other status: failed, cancelled, processing and stuck, processing and live, pending.
      const failed = await bulk('watched', 200, 1);
      await t.store.db.updateTable('bulk_requests').set({ status: 'failed' }).where('id', '=', failed).execute();
      const cancelled = await bulk('watched', 300, 1);
      assert.equal((await t.call('POST', `/v1/bulk_requests/${cancelled}/cancel`)).body.status, 'cancelled');
      const stuck = await bulk('watched', 400, 1);
      assert.equal((await claimRequest(t.store.db, t.store.caps, 'frozen', Date.now() - 120_000, 3_600_000))?.id, stuck);
      const live = await bulk('watched', 500, 1);
      assert.equal((await claimRequest(t.store.db, t.store.caps, 'busy', Date.now(), 3_600_000))?.id, live);
      await bulk('watched', 600, 1);
      // A request naming two streams (data_stream_id null) is at work in both: a second pending one.
      await t.call('POST', '/v1/data_streams', { key: 'other', name: 'other' });
      await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('watched', 700), sampleRecord('other', 1)] });

      const body = await health('watched');
      assert.deepEqual(body, {
        records_count: 30 + 2 + 1_000 + 4,
        import_batches_count: 2,
        import_batches_record_sum: 1_005,
        orphan_records_count: 32,
        bulk_requests: { pending: 2, processing: 2, completed: 2, failed: 1, cancelled: 1, stuck: 1 },
        last_ingestion_at: new Date(newest).toISOString(),
      });
      assert.deepEqual(await countRecords(t.store, streamId), { records: body.records_count, orphans: body.orphan_records_count });
    });

    test('the counters agree with COUNT(*) through concurrent chunks, deletes, a sync delete and a reset', async () => {
      const streamId = await createStream('counted');
      const otherId = await createStream('counted-too');
      // Two workers with two jobs each, committing chunks into the same streams at the same time.
      for (let r = 0; r < 6; r++) {
        await t.call('POST', '/v1/records/bulk', {
          records: Array.from({ length: 300 }, (_, i) => sampleRecord(r % 2 === 0 ? 'counted' : 'counted-too', r * 1000 + i)),
        });
      }
      const config = { ...t.config.engine, chunkSize: 25, concurrency: 2 };
      await Promise.all([new Worker(t.store, config).drain(), new Worker(t.store, config).drain()]);
      for (const [key, id] of [['counted', streamId], ['counted-too', otherId]] as const) {
        const real = await countRecords(t.store, id);
        assert.equal(real.records, 900);
        assert.deepEqual([(await health(key)).records_count, (await health(key)).orphan_records_count], [real.records, real.orphans]);
      }
      const some = await t.store.db.selectFrom('records').select('id').where('data_stream_id', '=', streamId).limit(7).execute();
      for (const { id } of some) assert.equal((await t.call('DELETE', `/v1/records/${id}`)).status, 204);
      await t.call('PATCH', `/v1/records/${(await t.store.db.selectFrom('records').select('id').where('data_stream_id', '=', streamId).executeTakeFirstOrThrow()).id}`, { amount: 1 });
      assert.equal((await health('counted')).records_count, 893);
      assert.equal((await t.call('POST', '/v1/data_streams/counted/reset')).status, 202);
      await t.drain();
      assert.equal((await health('counted')).records_count, 0);
      assert.equal((await t.call('DELETE', '/v1/data_streams/counted-too')).status, 204);
      const rows = await t.store.db.selectFrom('stream_record_counts').select('data_stream_id').where('data_stream_id', 'in', [streamId, otherId]).execute();
      assert.deepEqual(rows, [], 'no counter rows outlive their records or their stream');
    });

    test('a request whose items target several streams counts in each, and keeps each busy until it ends', async () => {
      const streams = ['multi-a', 'multi-b', 'multi-c'];
      for (const key of streams) await createStream(key);
      const items = [sampleRecord('multi-a', 1), sampleRecord('multi-b', 2), sampleRecord('multi-a', 3), sampleRecord('nowhere', 4)];
      const created = await t.call('POST', '/v1/records/bulk', { records: items });
      assert.equal(created.status, 202);
      assert.equal(created.body.data_stream_id, null);
      const id = created.body.id as number;
      const counts = async (key: string) => (await health(key)).bulk_requests;
      assert.equal((await counts('multi-a')).pending, 1);
      assert.equal((await counts('multi-b')).pending, 1);
      assert.equal((await counts('multi-c')).pending, 0, 'a stream no item names is not involved');

      for (const [method, path] of [['DELETE', '/v1/data_streams/multi-b'], ['POST', '/v1/data_streams/multi-a/reset']] as const) {
        const refused = await t.call(method, path);
        assert.equal(refused.status, 409, `${method} ${path}`);
        assert.equal(refused.body.error, 'stream_busy');
        assert.deepEqual(refused.body.details.bulk_request_ids, [id]);
      }
      assert.equal((await t.call('POST', '/v1/data_streams/multi-c/reset')).status, 202, 'the uninvolved stream is not busy');

      // Stuck: a multi-stream request that a frozen worker holds is stuck in each of its streams.
      assert.equal((await claimRequest(t.store.db, t.store.caps, 'frozen', Date.now() - 120_000, 3_600_000))?.id, id);
      assert.deepEqual([(await counts('multi-a')).processing, (await counts('multi-a')).stuck, (await counts('multi-b')).stuck], [1, 1, 1]);
      await t.store.db.updateTable('bulk_requests').set({ lease_expires_at: 0 }).where('id', '=', id).execute();
      await t.drain();
      const done = await t.call('GET', `/v1/bulk_requests/${id}`);
      assert.equal(done.body.status, 'completed');
      assert.deepEqual([done.body.successful_items, done.body.failed_items], [3, 1]);
      assert.deepEqual(await counts('multi-a'), { pending: 0, processing: 0, completed: 1, failed: 0, cancelled: 0, stuck: 0 });
      assert.deepEqual(await counts('multi-b'), { pending: 0, processing: 0, completed: 1, failed: 0, cancelled: 0, stuck: 0 });
      assert.equal((await t.call('DELETE', '/v1/data_streams/multi-b')).status, 204, 'once it ended, the stream is free');

      // A retry of a cancelled multi-stream request targets the same streams.
      const second = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('multi-a', 10), sampleRecord('multi-c', 11)] });
      assert.equal((await t.call('POST', `/v1/bulk_requests/${second.body.id}/cancel`)).body.status, 'cancelled');
      assert.equal((await counts('multi-c')).cancelled, 1);
      const retry = await t.call('POST', `/v1/bulk_requests/${second.body.id}/retry`);
      assert.equal(retry.status, 202);
      assert.equal((await counts('multi-a')).pending, 1);
      assert.equal((await counts('multi-c')).pending, 1);
      const busy = await t.call('DELETE', '/v1/data_streams/multi-c');
      assert.deepEqual([busy.status, busy.body.details?.bulk_request_ids], [409, [retry.body.id]]);
      await t.drain();
      assert.equal((await counts('multi-c')).completed, 1);
    });

    test('every number is an index lookup, on both databases', async () => {
      const streamId = await createStream('planned');
      await fillStream(t.store, { environmentId, streamId, count: 2_000 });
      const compiled = streamHealthQuery(t.store.db, streamId, Date.now());
      if (t.store.raw.kind === 'sqlite') {
        const plan = t.store.raw.handle.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as Array<{ detail: string }>;
        const details = plan.map((p) => p.detail);
        const tables = details.filter((d) => /^(SCAN|SEARCH) /.test(d) && d !== 'SCAN CONSTANT ROW');
        assert.ok(tables.length >= 10, details.join('\n'));
        for (const detail of tables) assert.match(detail, /^SEARCH \w+ USING (COVERING INDEX|INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/, details.join('\n'));
      } else {
        const client = await t.store.raw.pool.connect();
        try {
          // Tiny test tables make a sequential scan cheapest; forbidding it shows whether an index can serve.
          await client.query('SET enable_seqscan = off');
          const plan = await client.query(`EXPLAIN ${compiled.sql}`, compiled.parameters as unknown[]);
          const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
          assert.doesNotMatch(text, /Seq Scan/, text);
          const used = new Set([...text.matchAll(/(?:using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]));
          const needed = ['bulk_request_streams_pk', 'bulk_requests_stream_status', 'import_batches_stream_created', 'records_stream_created', 'stream_record_counts_pk'];
          // Multi-stream requests are joined by primary key, or found among the live ones (pending, processing).
          const allowed = [...needed, 'bulk_requests_pkey', 'bulk_requests_claimable'];
          for (const index of needed) assert.ok(used.has(index), `${index} not used:\n${text}`);
          for (const index of used) assert.ok(allowed.includes(index!), `${index} used:\n${text}`);
        } finally {
          await client.query('RESET enable_seqscan');
          client.release();
        }
      }
    });
  });
}
