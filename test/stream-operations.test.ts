import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EngineConfig } from '../src/config.js';
import { runRequest, type EngineContext } from '../src/engine/run-request.js';
import { claimOperation } from '../src/engine/sql/claim-operation.js';
import { claimRequest } from '../src/engine/sql/claim-request.js';
import { Worker } from '../src/engine/worker.js';
import { runOperation, type OperationContext } from '../src/operations/run-operation.js';
import { startTestApp, type TestApp } from './support/app.js';
import { pauseAfter } from './support/pause.js';
import { BACKENDS } from './support/backends.js';
import { countRecords, fillStream, insertImportBatch } from './support/fill-stream.js';
import { sampleRecord } from './support/ingest.js';

const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


for (const backend of BACKENDS) {
  describe(`stream operations [${backend}]`, { timeout: 600_000 }, () => {
    let t: TestApp;
    let engine: EngineConfig;
    let environmentId: number;

    before(async () => {
      t = await startTestApp(backend);
      engine = t.config.engine;
      environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
    });
    after(async () => {
      await t.close();
    });

    async function createStream(key: string): Promise<number> {
      const res = await t.call('POST', '/v1/data_streams', { key, name: key });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    }

    /** A completed bulk request of `count` records into the stream; its id, for history and import batches. */
    async function ingest(stream: string, count: number, from = 0): Promise<number> {
      const res = await t.call('POST', '/v1/records/bulk', { records: Array.from({ length: count }, (_, i) => sampleRecord(stream, from + i)) });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      await t.drain();
      return res.body.id;
    }

    const importBatch = (streamId: number, bulkRequestId: number, recordCount: number) =>
      insertImportBatch(t.store, { environmentId, streamId, bulkRequestId, recordCount });

    /** Drains the worker while polling the operation over HTTP; every progress value seen, and the final answer. */
    async function pollWhileDraining(url: string) {
      const seen: number[] = [];
      let done = false;
      const draining = t.drain().finally(() => {
        done = true;
      });
      while (!done) {
        const res = await t.call('GET', url);
        assert.equal(res.status, 200);
        seen.push(res.body.progress);
        await sleep(2);
      }
      await draining;
      const final = await t.call('GET', url);
      return { seen, final: final.body };
    }

    function assertRises(seen: number[]) {
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, `progress never goes back: ${seen.join(',')}`);
      assert.ok(
        seen.some((p) => p > 0 && p < 100),
        `progress was seen part-way (saw ${[...new Set(seen)].join(',')})`,
      );
    }

    const operationContext = (config: EngineConfig, now: () => number = Date.now): OperationContext => ({
      store: t.store,
      config,
      metrics: undefined,
      logger: silent,
      now,
      stopping: () => false,
      batchSize: 5_000,
    });

    test('async delete of a 200,000-record stream: 202 + Location, progress rises, everything of the stream goes, the operation stays readable', async () => {
      const streamId = await createStream('big-delete');
      assert.equal((await t.call('POST', '/v1/data_stream_property_definitions', { data_stream_key: 'big-delete', key: 'ref', name: 'Ref', type: 'string', optional: true })).status, 201);
      const bulkId = await ingest('big-delete', 5);
      const batchId = await importBatch(streamId, bulkId, 100_000);
      await fillStream(t.store, { environmentId, streamId, count: 100_000, prefix: 'b-', importBatchId: batchId });
      await fillStream(t.store, { environmentId, streamId, count: 100_000, prefix: 'o-' });

      const sync = await t.call('DELETE', '/v1/data_streams/big-delete');
      assert.equal(sync.status, 409);
      assert.equal(sync.body.error, 'stream_too_large_for_sync_delete');

      const accepted = await t.call('DELETE', '/v1/data_streams/big-delete?async=true');
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      const op = accepted.body;
      assert.equal(accepted.headers.location, `/v1/data_streams/big-delete/operations/${op.id}`);
      assert.deepEqual(
        { ...op, id: 0, created_at: '' },
        {
          id: 0,
          data_stream_id: streamId,
          data_stream_key: 'big-delete',
          kind: 'delete',
          status: 'pending',
          progress: 0,
          error_message: null,
          started_at: null,
          completed_at: null,
          created_at: '',
          requested_by_user_id: null,
        },
      );
      assert.match(op.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.deepEqual((await t.call('GET', accepted.headers.location as string)).body, op);

      const { seen, final } = await pollWhileDraining(accepted.headers.location as string);
      assertRises(seen);
      assert.equal(final.status, 'completed');
      assert.equal(final.progress, 100);
      assert.ok(final.started_at && final.completed_at && final.completed_at >= final.started_at);

      assert.equal((await t.call('GET', '/v1/data_streams/big-delete')).status, 404);
      assert.deepEqual(await countRecords(t.store, streamId), { records: 0, orphans: 0 });
      const leftovers = await Promise.all(
        (['property_definitions', 'import_batches', 'stream_record_counts'] as const).map(async (table) =>
          (await t.store.db.selectFrom(table).select('data_stream_id').where('data_stream_id', '=', streamId).execute()).length,
        ),
      );
      assert.deepEqual(leftovers, [0, 0, 0]);
      const row = await t.store.db.selectFrom('stream_operations').selectAll().where('id', '=', op.id).executeTakeFirstOrThrow();
      assert.equal(row.total_records, 200_005);
      assert.equal(row.deleted_records, 200_005);
      // History stays; the operation stays readable under the key, which is free again.
      assert.equal((await t.call('GET', `/v1/bulk_requests/${bulkId}`)).status, 200);
      assert.equal((await t.call('GET', accepted.headers.location as string)).body.status, 'completed');
      await createStream('big-delete');
      assert.equal((await t.call('GET', accepted.headers.location as string)).status, 200);
    });

    test('reset of a 150,000-record stream keeps the stream, its property definitions and bulk history; records and import batches go', async () => {
      const streamId = await createStream('big-reset');
      assert.equal((await t.call('POST', '/v1/data_stream_property_definitions', { data_stream_key: 'big-reset', key: 'ref', name: 'Ref', type: 'string', optional: true })).status, 201);
      const bulkId = await ingest('big-reset', 5);
      const batchId = await importBatch(streamId, bulkId, 50_000);
      await fillStream(t.store, { environmentId, streamId, count: 50_000, prefix: 'b-', importBatchId: batchId });
      await fillStream(t.store, { environmentId, streamId, count: 100_000, prefix: 'o-' });

      const accepted = await t.call('POST', '/v1/data_streams/big-reset/reset');
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      assert.equal(accepted.body.kind, 'reset');
      assert.equal(accepted.body.status, 'pending');
      assert.equal(accepted.headers.location, `/v1/data_streams/big-reset/operations/${accepted.body.id}`);

      const { seen, final } = await pollWhileDraining(accepted.headers.location as string);
      assertRises(seen);
      assert.equal(final.status, 'completed');
      assert.equal(final.progress, 100);

      const stream = await t.call('GET', '/v1/data_streams/big-reset');
      assert.equal(stream.status, 200);
      assert.equal(stream.body.id, streamId);
      const definitions = await t.call('GET', '/v1/data_stream_property_definitions?data_stream_key=big-reset');
      assert.deepEqual(definitions.body.map((d: { key: string }) => d.key), ['ref']);
      assert.deepEqual(await countRecords(t.store, streamId), { records: 0, orphans: 0 });
      assert.equal((await t.store.db.selectFrom('import_batches').select('id').where('data_stream_id', '=', streamId).execute()).length, 0);
      assert.equal((await t.call('GET', `/v1/bulk_requests/${bulkId}`)).body.status, 'completed');
      const health = await t.call('GET', '/v1/data_streams/big-reset/health');
      assert.equal(health.body.records_count, 0);
      assert.equal(health.body.import_batches_count, 0);
      assert.equal(health.body.bulk_requests.completed, 1);
      // The stream takes writes again, and the earlier external ids are free.
      assert.equal((await t.call('POST', '/v1/records', sampleRecord('big-reset', 0))).status, 201);
      assert.equal((await t.call('GET', accepted.headers.location as string)).body.status, 'completed');
    });

    test('sync delete: 10,000 records go at once (204), 10,001 need async (409)', async () => {
      const at = await createStream('at-limit');
      await fillStream(t.store, { environmentId, streamId: at, count: 10_000 });
      const over = await createStream('over-limit');
      await fillStream(t.store, { environmentId, streamId: over, count: 10_001 });
      assert.equal((await t.call('DELETE', '/v1/data_streams/at-limit')).status, 204);
      assert.deepEqual(await countRecords(t.store, at), { records: 0, orphans: 0 });
      const refused = await t.call('DELETE', '/v1/data_streams/over-limit');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, 'stream_too_large_for_sync_delete');
      assert.equal((await countRecords(t.store, over)).records, 10_001, 'nothing was deleted');
      assert.equal((await t.call('DELETE', '/v1/data_streams/over-limit', { async: true })).status, 202);
      await t.drain();
    });

    test('stream_busy lists pending and processing bulk requests for delete (sync and async) and reset', async () => {
      await createStream('queued');
      const pending = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('queued', 1)] });
      for (const [method, url] of [
        ['DELETE', '/v1/data_streams/queued'],
        ['DELETE', '/v1/data_streams/queued?async=true'],
        ['POST', '/v1/data_streams/queued/reset'],
      ] as const) {
        const res = await t.call(method, url);
        assert.equal(res.status, 409, url);
        assert.equal(res.body.error, 'stream_busy');
        assert.deepEqual(res.body.details, { bulk_request_ids: [pending.body.id] });
      }
      const claimed = await claimRequest(t.store.db, t.store.caps, 'holder', Date.now(), engine.leaseMs);
      assert.equal(claimed?.id, pending.body.id);
      assert.deepEqual((await t.call('POST', '/v1/data_streams/queued/reset')).body.details, { bulk_request_ids: [pending.body.id] });
      await runRequest({ store: t.store, config: engine, metrics: undefined, logger: silent, now: Date.now, stopping: () => false }, claimed!);
      assert.equal((await t.call('POST', '/v1/data_streams/queued/reset')).status, 202);
      await t.drain();
    });

    test('while an operation is under way no record lands: writes 409, queued items fail stream_busy, same kind returns it, other kind 409', async () => {
      await createStream('frozen');
      await createStream('bystander');
      await ingest('frozen', 3);
      const reset = await t.call('POST', '/v1/data_streams/frozen/reset');
      assert.equal(reset.status, 202);
      const opId = reset.body.id;
      const busyWith = (res: { status: number; body: any }, what: string) => {
        assert.equal(res.status, 409, `${what}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error, 'stream_busy', what);
        assert.equal(res.body.details.operation_id, opId, what);
        assert.equal(res.body.details.operation_kind, 'reset', what);
        assert.equal(res.body.details.operation_url, `/v1/data_streams/frozen/operations/${opId}`, what);
      };

      busyWith(await t.call('POST', '/v1/records', sampleRecord('frozen', 100)), 'POST /records');
      busyWith(await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('frozen', 101)] }), 'POST /records/bulk');
      busyWith(await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('frozen', 101)], dry_run: true }), 'dry run');
      busyWith(await t.call('DELETE', '/v1/data_streams/frozen?async=true'), 'async delete during a reset');
      busyWith(await t.call('DELETE', '/v1/data_streams/frozen'), 'sync delete during a reset');
      const again = await t.call('POST', '/v1/data_streams/frozen/reset');
      assert.equal(again.status, 202);
      assert.equal(again.body.id, opId, 'a second reset returns the one under way');
      assert.equal(again.headers.location, reset.headers.location);

      // A request naming several streams has no data_stream_id: accepted, and its item for the busy stream fails.
      const mixed = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('frozen', 102), sampleRecord('bystander', 1)] });
      assert.equal(mixed.status, 202);
      const claimed = await claimRequest(t.store.db, t.store.caps, 'w', Date.now(), engine.leaseMs);
      assert.equal(claimed?.id, mixed.body.id);
      assert.equal(await runRequest({ store: t.store, config: engine, metrics: undefined, logger: silent, now: Date.now, stopping: () => false }, claimed!), 'completed');
      const results = (await t.call('GET', `/v1/bulk_requests/${mixed.body.id}`)).body;
      assert.equal(results.results.data[0].status, 'failed');
      assert.equal(results.results.data[0].error_code, 'stream_busy');
      assert.match(results.results.data[0].error, new RegExp(`operation ${opId}`));
      assert.equal(results.results.data[1].status, 'successful');
      assert.equal((await t.call('POST', '/v1/records', sampleRecord('bystander', 2))).status, 201, 'other streams are not affected');

      await t.drain();
      assert.equal((await t.call('GET', reset.headers.location as string)).body.status, 'completed');
      assert.equal((await t.call('POST', '/v1/records', sampleRecord('frozen', 100))).status, 201, 'writes resume once it has ended');

      // The same for a delete: a second async delete returns it, a reset is refused.
      const del = await t.call('DELETE', '/v1/data_streams/bystander?async=true');
      assert.equal(del.status, 202);
      assert.equal((await t.call('DELETE', '/v1/data_streams/bystander', { async: true })).body.id, del.body.id);
      const refused = await t.call('POST', '/v1/data_streams/bystander/reset');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.details.operation_kind, 'delete');
      await t.drain();
      assert.equal((await t.call('GET', '/v1/data_streams/bystander')).status, 404);
      assert.equal((await t.call('POST', '/v1/records', sampleRecord('bystander', 3))).body.error, 'unknown_data_stream');
    });

    test('writers racing a reset: every accepted record was written before the reset was accepted or after it completed', async () => {
      const streamId = await createStream('raced');
      await fillStream(t.store, { environmentId, streamId, count: 30_000 });
      let stop = false;
      const accepted: number[] = [];
      let refused = 0;
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const res = await t.call('POST', '/v1/records', sampleRecord('raced', w * 1_000_000 + i));
          if (res.status === 201) accepted.push(Date.parse(res.body.created_at));
          else {
            assert.equal(res.body.error, 'stream_busy');
            refused++;
          }
        }
      };
      const writers = [0, 1, 2, 3, 4, 5].map(writer);
      await sleep(30);
      const reset = await t.call('POST', '/v1/data_streams/raced/reset');
      assert.equal(reset.status, 202);
      // Small chunks: many commits for the writers to slip between, were the guard not there.
      await new Worker(t.store, engine, { operationBatchSize: 500 }).drain();
      await sleep(30);
      stop = true;
      await Promise.all(writers);
      const op = await t.store.db.selectFrom('stream_operations').selectAll().where('id', '=', reset.body.id).executeTakeFirstOrThrow();
      assert.equal(op.status, 'completed');
      assert.ok(refused > 0, 'some writes met the operation');
      assert.ok(accepted.length > 0, 'some writes came before or after it');
      const during = accepted.filter((at) => at >= op.created_at && at < op.completed_at!);
      assert.deepEqual(during, [], 'no write was accepted while the reset was under way');
      const after = accepted.filter((at) => at >= op.completed_at!).length;
      assert.equal((await countRecords(t.store, streamId)).records, after, 'what is left is exactly what was written after it completed');
    });

    test('writers racing a delete: no record outlives its stream, every write answered 201, stream_busy or unknown_data_stream', async () => {
      // What the records' foreign key to data_streams used to guarantee (PostgreSQL dropped it in migration
      // 0009): the writers' stream lock alone must keep a record from landing in a stream being deleted.
      for (const mode of ['async', 'sync'] as const) {
        const key = `doomed-${mode}`;
        const streamId = await createStream(key);
        if (mode === 'async') await fillStream(t.store, { environmentId, streamId, count: 20_000 });
        let stop = false;
        const answers = new Map<string, number>();
        const writer = async (w: number) => {
          for (let i = 0; !stop; i++) {
            const res = await t.call('POST', '/v1/records', sampleRecord(key, w * 1_000_000 + i));
            const answer = `${res.status} ${res.body.error ?? 'created'}`;
            answers.set(answer, (answers.get(answer) ?? 0) + 1);
          }
        };
        const writers = [0, 1, 2, 3, 4, 5].map(writer);
        await sleep(30);
        const del = await t.call('DELETE', `/v1/data_streams/${key}${mode === 'async' ? '?async=true' : ''}`);
        assert.equal(del.status, mode === 'async' ? 202 : 204, JSON.stringify(del.body));
        if (mode === 'async') await new Worker(t.store, engine, { operationBatchSize: 500 }).drain();
        await sleep(30);
        stop = true;
        await Promise.all(writers);
        assert.equal((await t.call('GET', `/v1/data_streams/${key}`)).status, 404);
        assert.equal((await countRecords(t.store, streamId)).records, 0, `records left in the deleted stream; answers: ${JSON.stringify([...answers])}`);
        assert.deepEqual([...answers.keys()].filter((a) => !['201 created', '409 stream_busy', '422 unknown_data_stream'].includes(a)), [], JSON.stringify([...answers]));
        assert.ok((answers.get('201 created') ?? 0) > 0, `some writes came before the delete: ${JSON.stringify([...answers])}`);
        assert.ok((answers.get('422 unknown_data_stream') ?? 0) > 0, `some writes came after it: ${JSON.stringify([...answers])}`);
      }
    });

    test('async: "true"/"false" in the query, a boolean or that text in a JSON body; anything else 422', async () => {
      const accepts: Array<[string, unknown, number]> = [
        ['?async=false', undefined, 204],
        ['?async=true', undefined, 202],
        ['', { async: true }, 202],
        ['', { async: 'true' }, 202],
        ['', { async: false }, 204],
        ['', { async: 'false' }, 204],
        ['', {}, 204],
        ['', undefined, 204],
        ['?async=true', { async: true }, 202],
      ];
      let n = 0;
      for (const [query, body, status] of accepts) {
        const key = `flag-${n++}`;
        await createStream(key);
        const res = await t.call('DELETE', `/v1/data_streams/${key}${query}`, body);
        assert.equal(res.status, status, `${query} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        await t.drain();
        assert.equal((await t.call('GET', `/v1/data_streams/${key}`)).status, 404);
      }
      await createStream('flag-bad');
      const refuses: Array<[string, unknown]> = [
        ['?async=1', undefined],
        ['?async=TRUE', undefined],
        ['?async=yes', undefined],
        ['?async=', undefined],
        ['?async=true&async=true', undefined],
        ['', { async: 1 }],
        ['', { async: null }],
        ['', { async: 'True' }],
        ['?async=true', { async: false }],
      ];
      for (const [query, body] of refuses) {
        const res = await t.call('DELETE', `/v1/data_streams/flag-bad${query}`, body);
        assert.equal(res.status, 422, `${query} ${JSON.stringify(body)}`);
        assert.equal(res.body.error, 'invalid_async', `${query} ${JSON.stringify(body)}`);
      }
      assert.equal((await t.call('GET', '/v1/data_streams/flag-bad')).status, 200, 'nothing was deleted');
    });

    test('operations are scoped to their environment and stream key', async () => {
      await createStream('scoped');
      await createStream('neighbour');
      const reset = await t.call('POST', '/v1/data_streams/scoped/reset');
      const id = reset.body.id;
      await t.drain();
      assert.equal((await t.call('GET', `/v1/data_streams/scoped/operations/${id}`)).status, 200);
      for (const [url, as] of [
        [`/v1/data_streams/scoped/operations/${id}`, t.otherKey],
        [`/v1/data_streams/neighbour/operations/${id}`, undefined],
        [`/v1/data_streams/scoped/operations/${id + 1000}`, undefined],
        ['/v1/data_streams/scoped/operations/abc', undefined],
        ['/v1/data_streams/scoped/operations/0', undefined],
      ] as const) {
        const res = await t.call('GET', url, undefined, as ? { as } : {});
        assert.equal(res.status, 404, url);
        assert.equal(res.body.error, 'operation_not_found', url);
      }
      // The same key in the other environment is another stream: its operations are not these.
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'scoped', name: 'theirs' }, { as: t.otherKey })).status, 201);
      assert.equal((await t.call('GET', `/v1/data_streams/scoped/operations/${id}`, undefined, { as: t.otherKey })).status, 404);
      for (const [method, url] of [
        ['DELETE', '/v1/data_streams/nowhere?async=true'],
        ['POST', '/v1/data_streams/nowhere/reset'],
        ['GET', '/v1/data_streams/nowhere/health'],
      ] as const) {
        const res = await t.call(method, url);
        assert.equal(res.status, 404, url);
        assert.equal(res.body.error, 'data_stream_not_found', url);
      }
    });

    test('a worker stopped mid-operation gives it back; the next one resumes at the checkpoint and finishes', async () => {
      const streamId = await createStream('interrupted');
      await fillStream(t.store, { environmentId, streamId, count: 60_000 });
      const accepted = await t.call('POST', '/v1/data_streams/interrupted/reset');
      const pause = pauseAfter(3);
      const worker = new Worker(t.store, { ...engine, pollMs: 60_000 }, { operationBatchSize: 5_000, afterOperationChunk: pause.afterChunk });
      worker.start();
      await pause.paused;
      const stopped = worker.stop();
      pause.release();
      await stopped;

      const row = await t.store.db.selectFrom('stream_operations').selectAll().where('id', '=', accepted.body.id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'running', 'started, so it stays running while nobody holds it');
      assert.equal(row.lease_owner, null);
      assert.equal(row.lease_expires_at, null);
      assert.deepEqual([row.claims, row.released_claims], [1, 1]);
      assert.equal(row.deleted_records, 15_000);
      assert.equal((await countRecords(t.store, streamId)).records, 45_000, 'exactly the committed chunks were deleted');
      const midway = (await t.call('GET', accepted.headers.location as string)).body;
      assert.equal(midway.progress, 25);
      assert.equal(midway.status, 'running');
      assert.equal((await t.call('POST', '/v1/records', sampleRecord('interrupted', 1))).status, 409, 'still closed to writes');

      await t.drain();
      const done = await t.store.db.selectFrom('stream_operations').selectAll().where('id', '=', accepted.body.id).executeTakeFirstOrThrow();
      assert.equal(done.status, 'completed');
      assert.equal(done.claims, 2);
      assert.equal(done.deleted_records, 60_000);
      assert.equal((await countRecords(t.store, streamId)).records, 0);
    });

    test('an expired lease is taken over and the old holder commits nothing; too many claims fail it and reopen the stream', async () => {
      const streamId = await createStream('leased');
      await fillStream(t.store, { environmentId, streamId, count: 12_000 });
      const accepted = await t.call('POST', '/v1/data_streams/leased/reset');
      const t0 = Date.now();
      const a = await claimOperation(t.store.db, t.store.caps, 'worker-a', t0, engine.leaseMs);
      assert.equal(a?.id, accepted.body.id);
      assert.equal(await claimOperation(t.store.db, t.store.caps, 'worker-x', t0 + 1, engine.leaseMs), undefined, 'a live lease is not taken');
      const b = await claimOperation(t.store.db, t.store.caps, 'worker-b', t0 + engine.leaseMs + 1, engine.leaseMs);
      assert.equal(b?.id, accepted.body.id);
      assert.equal(b!.claims, a!.claims + 1);
      assert.equal(await runOperation(operationContext(engine), a!), 'lost');
      assert.equal((await countRecords(t.store, streamId)).records, 12_000);
      assert.equal(await runOperation(operationContext(engine), b!), 'completed');
      assert.equal((await countRecords(t.store, streamId)).records, 0);

      const stream2 = await createStream('poison');
      await fillStream(t.store, { environmentId, streamId: stream2, count: 10 });
      const poison = await t.call('DELETE', '/v1/data_streams/poison?async=true');
      let clock = Date.now();
      const config = { ...engine, maxClaims: 1 };
      await claimOperation(t.store.db, t.store.caps, 'doomed', clock, engine.leaseMs);
      clock += engine.leaseMs + 1;
      const last = await claimOperation(t.store.db, t.store.caps, 'last', clock, engine.leaseMs);
      assert.equal(await runOperation(operationContext(config, () => clock), last!), 'failed');
      const failed = (await t.call('GET', poison.headers.location as string)).body;
      assert.equal(failed.status, 'failed');
      assert.match(failed.error_message, /claims/);
      assert.ok(failed.completed_at);
      assert.equal((await t.call('POST', '/v1/records', sampleRecord('poison', 1))).status, 201, 'the stream takes writes again');
      const retried = await t.call('DELETE', '/v1/data_streams/poison?async=true');
      assert.equal(retried.status, 202);
      assert.notEqual(retried.body.id, poison.body.id);
      await t.drain();
      assert.equal((await t.call('GET', '/v1/data_streams/poison')).status, 404);
    });
  });
}
