import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { landed, sampleRecord, sumOfAmounts } from './support/ingest.js';
import { serve, type Server } from './support/processes.js';
import { connect } from '../src/db/connect.js';

// `sluice serve` reads and stages bulk bodies in staging threads (src/staging/). Whatever a client sends,
// it must get the answer it got when the API thread did that work: each body below goes to an app of each
// kind, on the same database, and the two answers are compared whole (ids and times aside).

const deep = (n: number) => `{"records":[${'['.repeat(n)}${']'.repeat(n)}]}`;

/** Bodies as sent on the wire: what hostile and careless clients send, and the ordinary cases. */
const BODIES: Array<{ name: string; payload: string | Buffer; headers?: Record<string, string>; query?: string }> = [
  { name: 'not JSON', payload: '{"records": [' },
  { name: 'empty', payload: '' },
  { name: 'not UTF-8', payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'too deep', payload: deep(80) },
  { name: '__proto__', payload: '{"records":[{}],"__proto__":{"x":1}}' },
  { name: 'no records', payload: '{}' },
  { name: 'records not an array', payload: '{"records":"x"}' },
  { name: 'empty records', payload: '{"records":[]}' },
  { name: '1,001 records', payload: JSON.stringify({ records: Array.from({ length: 1001 }, () => ({})) }) },
  { name: 'bad on_conflict', payload: '{"records":[{}],"on_conflict":"overwrite"}' },
  { name: 'dry_run not a boolean', payload: '{"records":[{}],"dry_run":"yes"}' },
  { name: 'a bad query with a bad body', payload: '{}', query: '?dry_run=perhaps' },
  { name: 'a bad query', payload: '{"records":[{}]}', query: '?dry_run=perhaps' },
  { name: 'an idempotency key too long', payload: '{"records":[{}]}', headers: { 'idempotency-key': 'k'.repeat(256) } },
  { name: 'an idempotency key too long, bad body', payload: '{}', headers: { 'idempotency-key': 'k'.repeat(256) } },
  { name: 'text/plain', payload: '{"records":[{}]}', headers: { 'content-type': 'text/plain' } },
  { name: 'text/plain, empty', payload: '', headers: { 'content-type': 'text/plain' } },
  { name: 'valid, mixed items', payload: JSON.stringify({ records: [sampleRecord('same', 1), { amount: 'x' }, 7, null, sampleRecord('same', 2, { amount: 1e400 })] }) },
  { name: 'valid, dry run by query', payload: JSON.stringify({ records: [sampleRecord('same', 3)] }), query: '?dry_run=true' },
  { name: 'valid, two streams', payload: JSON.stringify({ records: [sampleRecord('same', 4), sampleRecord('other', 5)] }) },
];

/** An answer without what differs between two requests that did the same thing. */
function comparable(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {}
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (/^(id|url|created_at|updated_at|bulk_request_id|data_stream_id)$/.test(k)) continue;
      out[k] = strip(x);
    }
    return out;
  };
  return { status: res.statusCode, body: strip(body), replayed: res.headers['idempotent-replayed'] };
}

for (const backend of BACKENDS) {
  describe(`staging threads answer as the API thread did [${backend}]`, () => {
    let inline: TestApp;
    let threaded: TestApp;
    before(async () => {
      inline = await startTestApp(backend);
      threaded = await startTestApp(backend, {}, {}, { stagingThreads: 2 });
      for (const t of [inline, threaded]) {
        for (const key of ['same', 'other']) assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
      }
    });
    after(async () => {
      await inline.close();
      await threaded.close();
    });

    for (const body of BODIES) {
      test(body.name, async () => {
        const send = (t: TestApp) =>
          t.app.inject({
            method: 'POST',
            url: `/v1/records/bulk${body.query ?? ''}`,
            headers: { 'x-api-key': t.key, 'content-type': 'application/json', ...body.headers },
            payload: body.payload,
          });
        const [a, b] = [comparable(await send(inline)), comparable(await send(threaded))];
        assert.deepEqual(b, a);
        assert.ok(a.status < 500, `answered ${a.status}`);
      });
    }

    test('the items of a threaded request are processed as the inline one', async () => {
      await inline.drain();
      await threaded.drain();
      assert.deepEqual(await landed(threaded.store, 'same'), await landed(inline.store, 'same'));
      assert.deepEqual(await landed(threaded.store, 'other'), await landed(inline.store, 'other'));
    });

    test('an idempotent replay and a reused key answer the same', async () => {
      for (const t of [inline, threaded]) {
        const body = { records: [sampleRecord('same', 40)] };
        const first = await t.call('POST', '/v1/records/bulk', body, { headers: { 'idempotency-key': 'once' } });
        assert.equal(first.status, 202);
        const again = await t.call('POST', '/v1/records/bulk', body, { headers: { 'idempotency-key': 'once' } });
        assert.equal(again.status, 202);
        assert.equal(again.body.id, first.body.id);
        assert.equal(again.headers['idempotent-replayed'], 'true');
        const reused = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('same', 41)] }, { headers: { 'idempotency-key': 'once' } });
        assert.equal(reused.status, 422);
        assert.equal(reused.body.error, 'idempotency_key_reused');
        assert.equal(reused.body.details.bulk_request_id, first.body.id);
      }
    });
  });

  describe(`a real sluice serve stages bulk bodies in its threads [${backend}]`, () => {
    const key = 'sk_test_staging_threads_0123456789abcdef';
    let database: TestDatabase;
    let server: Server;
    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: key, SLUICE_STAGING_THREADS: '2' });
      const res = await post('/v1/data_streams', { key: 'bulk', name: 'bulk' });
      assert.equal(res.status, 201);
    });
    after(async () => {
      await server.stop();
      await database.drop();
    });

    function post(path: string, body: unknown, headers: Record<string, string> = {}) {
      return fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    }

    test('8 clients posting at once: every request accepted, every record landed once', async () => {
      const clients = 8;
      const perClient = 5;
      const size = 500;
      const ids: number[] = [];
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          for (let r = 0; r < perClient; r++) {
            const first = (c * perClient + r) * size;
            const records = Array.from({ length: size }, (_, i) => sampleRecord('bulk', first + i));
            const res = await post('/v1/records/bulk', { records });
            assert.equal(res.status, 202);
            const created = (await res.json()) as { id: number; total_items: number };
            assert.equal(created.total_items, size);
            ids.push(created.id);
          }
        }),
      );
      assert.equal(new Set(ids).size, clients * perClient);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await fetch(`${server.url}/v1/bulk_requests?limit=100&status=completed`, { headers: { 'x-api-key': key } });
        const list = (await res.json()) as { data: unknown[] };
        if (list.data.length === clients * perClient) break;
        assert.ok(Date.now() < deadline, `only ${list.data.length} of ${clients * perClient} requests completed in time`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const total = clients * perClient * size;
      const store = await connect(database.connectOptions);
      try {
        assert.deepEqual(await landed(store, 'bulk'), { count: total, sum: sumOfAmounts(0, total), distinctIds: total });
      } finally {
        await store.close();
      }
    });

    test('a bad body is answered by the thread and leaves the process serving', async () => {
      const res = await fetch(`${server.url}/v1/records/bulk`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: deep(100),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'body_too_deep');
      const ok = await post('/v1/records/bulk', { records: [sampleRecord('bulk', 999_999)] });
      assert.equal(ok.status, 202);
    });

    test('SIGTERM while bodies are being staged: each answered 202 is on disk, and the process exits 0', async () => {
      const sent = Array.from({ length: 8 }, (_, c) =>
        post('/v1/records/bulk', { records: Array.from({ length: 1000 }, (_, i) => sampleRecord('bulk', 2_000_000 + c * 1000 + i)) }).then(
          async (res) => (res.status === 202 ? ((await res.json()) as { id: number }).id : undefined),
          () => undefined,
        ),
      );
      await new Promise((r) => setTimeout(r, 30));
      const code = await server.stop();
      const accepted = (await Promise.all(sent)).filter((id): id is number => id !== undefined);
      assert.equal(code, 0);
      const store = await connect(database.connectOptions);
      try {
        for (const id of accepted) {
          const row = await store.db.selectFrom('bulk_requests').select(['total_items', 'parsing']).where('id', '=', id).executeTakeFirstOrThrow();
          assert.equal(Number(row.total_items), 1000);
          assert.equal(Number(row.parsing), 0);
        }
      } finally {
        await store.close();
      }
      server = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: key, SLUICE_STAGING_THREADS: '2' });
    });
  });
}
