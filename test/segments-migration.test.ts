import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connect, type Store } from '../src/db/connect.js';
import { migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { Worker } from '../src/engine/worker.js';
import { bootstrapIfEmpty } from '../src/keys/api-key.repository.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { landed, sampleRecord } from './support/ingest.js';

// An upgrade from a release that staged one row per item (bulk_request_items, migrations up to 0005): the
// requests it left in every state keep working once 0006 has turned their items into segments.

for (const backend of BACKENDS) {
  describe(`requests staged one row per item, after migrating to segments [${backend}]`, () => {
    let database: TestDatabase;
    let store: Store;
    let app: FastifyInstance;
    let worker: Worker;
    let key: string;
    const ids: Record<string, number> = {};
    const call = async (method: 'GET' | 'POST', url: string) => {
      const res = await app.inject({ method, url, headers: { 'x-api-key': key } });
      return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') ? JSON.parse(res.body) : res.body };
    };

    before(async () => {
      database = await createTestDatabase(backend);
      store = await connect(database.connectOptions);
      await migrateTo(store, '0005_results_format_and_request_streams');
      const now = Date.now();
      const boot = await bootstrapIfEmpty(store.db, undefined, now);
      key = boot!.key;
      const environmentId = (await store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
      const streams: Record<string, number> = {};
      for (const name of ['pending', 'half', 'cancelled', 'sparse']) {
        const row = await store.db
          .insertInto('data_streams')
          .values({ environment_id: environmentId, key: name, name, description: null, type: 'transactions', created_at: now, updated_at: now, active_operation_id: null } as never)
          .returning('id')
          .executeTakeFirstOrThrow();
        streams[name] = row.id;
      }
      const request = async (stream: string, at: number, fields: Record<string, number | string | null>, indexes: number[], payload: (i: number) => string, rowNumber: (i: number) => number | null) => {
        const row = await store.db
          .insertInto('bulk_requests')
          .values({
            environment_id: environmentId, status: 'pending', source: 'bulk_api', on_conflict: 'skip', dry_run: 0, filename: null,
            data_stream_id: streams[stream]!, parent_bulk_request_id: null, idempotency_key: null, request_hash: null, options: '{}',
            source_details: null, parsing: 0, total_items: indexes.length, processed_items: 0, successful_items: 0, failed_items: 0,
            skipped_items: 0, next_index: indexes[0]!, claims: 0, released_claims: 0, lease_owner: null, lease_expires_at: null,
            error_message: null, error_details: null, created_at: now + at, started_at: null, completed_at: null, last_progress_at: null,
            cancellation_requested_at: null, ...fields,
          } as never)
          .returning('id')
          .executeTakeFirstOrThrow();
        // The old staging table, as 0001 made it: one row per item.
        for (let from = 0; from < indexes.length; from += 500) {
          const rows = indexes.slice(from, from + 500).map((i) => sql`(${row.id}, ${i}, ${rowNumber(i)}, ${payload(i)})`);
          await sql`INSERT INTO bulk_request_items (bulk_request_id, item_index, row_number, payload) VALUES ${sql.join(rows)}`.execute(store.db);
        }
        ids[stream] = row.id;
        return row.id;
      };
      const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
      const record = (stream: string) => (i: number) => JSON.stringify(sampleRecord(stream, i, i % 100 === 7 ? { amount: 'x' } : {}));
      // Pending: a NACHA upload never started (its items staged as JSON records, as before staged records);
      // every hundredth item (from 7) is invalid; row numbers as an upload had them.
      await request('pending', 0, { source: 'nacha', options: JSON.stringify({ data_stream_key: 'pending' }) }, range(0, 2500), record('pending'), (i) => i + 2);
      // Half processed by a worker that died: its lease ran out at the checkpoint 1,000.
      await request('half', 1, { status: 'processing', next_index: 1000, processed_items: 1000, successful_items: 1000, claims: 1, lease_owner: 'gone', lease_expires_at: 1, started_at: now }, range(0, 3000), (i) => JSON.stringify(sampleRecord('half', i)), () => null);
      // A BAI2 upload cancelled at 1,500 with failed and skipped results before it: a retry runs those and
      // what was left.
      const cancelled = await request('cancelled', 2, { source: 'bai2', status: 'cancelled', next_index: 1500, processed_items: 1500, successful_items: 1496, failed_items: 3, skipped_items: 1, completed_at: now }, range(0, 2000), (i) => JSON.stringify(sampleRecord('cancelled', i)), (i) => i + 2);
      for (const [index, status] of [[10, 'failed'], [20, 'failed'], [30, 'skipped'], [1400, 'failed']] as const) {
        await store.db
          .insertInto('bulk_request_results')
          .values({ bulk_request_id: cancelled, item_index: index, status, record_id: null, error_code: status === 'failed' ? 'invalid_amount' : null, error: status === 'failed' ? `bad ${index}` : null, data_stream_id: null, external_id: null } as never)
          .execute();
      }
      // An old retry child: its parent's indexes, with gaps.
      await request('sparse', 3, {}, [5, 17, ...range(2999, 3100)], (i) => JSON.stringify(sampleRecord('sparse', i)), () => null);

      await migrateToLatest(store);
      const config = loadConfig({});
      app = await buildApp({ store, config });
      worker = new Worker(store, config.engine);
    });

    after(async () => {
      await app?.close();
      await store?.close();
      await database?.drop();
    });

    test('the old table is gone and each request is a few segments', async () => {
      const tables = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM bulk_request_segments`.execute(store.db);
      assert.equal(Number(tables.rows[0]!.n), 2 + 2 + 1 + 1);
      await assert.rejects(sql`SELECT 1 FROM bulk_request_items`.execute(store.db));
    });

    test('every request completes from its checkpoint; each item ends exactly once', async () => {
      await worker.drain();
      const pending = (await call('GET', `/v1/bulk_requests/${ids.pending}?limit=10&offset=0`)).body;
      assert.equal(pending.status, 'completed');
      assert.equal(pending.successful_items, 2475);
      assert.equal(pending.failed_items, 25);
      assert.equal(pending.results.data[7].status, 'failed');
      assert.equal(pending.results.data[7].row_number, 9, 'row numbers survive the migration');
      assert.equal((await landed(store, 'pending')).distinctIds, 2475);

      const half = (await call('GET', `/v1/bulk_requests/${ids.half}`)).body;
      assert.equal(half.status, 'completed');
      assert.equal(half.processed_items, 3000);
      // Items before the checkpoint were the dead worker's; the rest land once.
      const rows = await landed(store, 'half');
      assert.equal(rows.distinctIds, 2000);
      assert.equal(rows.count, 2000);

      const sparse = (await call('GET', `/v1/bulk_requests/${ids.sparse}?limit=3`)).body;
      assert.equal(sparse.status, 'completed');
      assert.equal(sparse.successful_items, 103);
      assert.deepEqual(sparse.results.data.map((r: { index: number }) => r.index), [5, 17, 2999]);
      assert.equal((await landed(store, 'sparse')).count, 103);
    });

    test('a migrated cancelled request downloads its failed rows and retries exactly what was left', async () => {
      const csv = (await call('GET', `/v1/bulk_requests/${ids.cancelled}/failed_rows.csv`)).body as string;
      const lines = csv.trim().split('\r\n');
      assert.equal(lines.length, 4);
      assert.match(lines[1]!, /ext-10,.*,12,invalid_amount,bad 10$/);
      assert.match(lines[3]!, /ext-1400,.*,1402,invalid_amount,bad 1400$/);
      const withSkipped = (await call('GET', `/v1/bulk_requests/${ids.cancelled}/failed_rows.csv?include=skipped`)).body as string;
      assert.match(withSkipped, /ext-30,.*,32,skipped_existing_external_id,/);

      const retry = await call('POST', `/v1/bulk_requests/${ids.cancelled}/retry`);
      assert.equal(retry.status, 202);
      assert.equal(retry.body.total_items, 504);
      await worker.drain();
      const child = (await call('GET', `/v1/bulk_requests/${retry.body.id}?limit=5`)).body;
      assert.equal(child.status, 'completed');
      assert.equal(child.successful_items, 504);
      assert.deepEqual(child.results.data.map((r: { index: number; row_number: number }) => [r.index, r.row_number]), [[10, 12], [20, 22], [30, 32], [1400, 1402], [1500, 1502]]);
      assert.equal((await landed(store, 'cancelled')).distinctIds, 504);
    });
  });
}
