import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { sampleRecord } from './support/ingest.js';
import { serve, sluice, type Server } from './support/processes.js';

// Issue 11, item 1: End Close's relay reads `results` as an array, never pages, and reports every item it
// does not find failed as delivered. A key set to `array` must make such a client deliver every event.

const KEY = /sk_[a-z][a-z0-9_]*_[A-Za-z0-9_-]{27}/;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

interface RelayEvent {
  data_stream_key: string;
  external_id: string;
  [field: string]: unknown;
}

/**
 * A client written the relay's way: POST the batch with an Idempotency-Key, poll the request until it is
 * final, take `(status.results ?? []).filter(r => r.status !== 'successful')` as the failures (no limit, no
 * offset, has_more ignored) and count everything else delivered.
 */
async function relayDeliver(base: string, apiKey: string, events: RelayEvent[], idempotencyKey: string) {
  const posted = await fetch(`${base}/v1/records/bulk`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ records: events }),
  });
  assert.equal(posted.status, 202, await posted.clone().text());
  const created = (await posted.json()) as { id: number };
  let status: any;
  for (let polls = 0; ; polls++) {
    status = await (await fetch(`${base}/v1/bulk_requests/${created.id}`, { headers: { 'x-api-key': apiKey } })).json();
    if (FINAL.has(status.status)) break;
    assert.ok(polls < 2_000, `request ${created.id} still ${status.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const failures = (status.results ?? []).filter((r: { status: string }) => r.status !== 'successful');
  const failed = new Set<number>(failures.map((r: { index: number }) => r.index));
  return {
    id: created.id,
    replayed: posted.headers.get('idempotent-replayed') === 'true',
    failures: failures as Array<{ index: number; status: string; error_code?: string }>,
    delivered: events.filter((_, index) => !failed.has(index)),
  };
}

/** Every external id in the stream, read through the API a page at a time. */
async function externalIds(base: string, apiKey: string, stream: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${base}/v1/records?data_stream_key=${stream}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await (await fetch(url, { headers: { 'x-api-key': apiKey } })).json()) as { data: Array<{ external_id: string }>; next_cursor: string | null };
    ids.push(...page.data.map((r) => r.external_id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids.sort();
}

/** A batch of webhook events whose bad ones all lie past the first page (50) of results. */
function batch(stream: string, size: number, badIndexes: number[]): RelayEvent[] {
  const bad = new Set(badIndexes);
  return Array.from({ length: size }, (_, i) => ({
    ...sampleRecord(stream, i, { external_id: `${stream}-${i}` }),
    ...(bad.has(i) ? (i % 2 === 0 ? { amount: '12.50' } : { direction: 'sideways' }) : {}),
  }));
}

for (const backend of BACKENDS) {
  describe(`a relay-style client against a real server, key set to array [${backend}]`, { timeout: 300_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let arrayKey: string;
    let pageKey: string;

    before(async () => {
      database = await createTestDatabase(backend);
      const created = sluice(['keys', 'create', '--environment', 'test', '--results-format', 'array'], database.env);
      assert.equal(await created.exited, 0, created.output());
      arrayKey = created.output().match(KEY)?.[0] ?? '';
      assert.ok(arrayKey, created.output());
      assert.match(created.output(), /results format array/);
      const other = sluice(['keys', 'create', '--environment', 'test'], database.env);
      assert.equal(await other.exited, 0, other.output());
      pageKey = other.output().match(KEY)?.[0] ?? '';
      server = await serve(database.env);
      const stream = await fetch(`${server.url}/v1/data_streams`, {
        method: 'POST',
        headers: { 'x-api-key': arrayKey, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'webhooks', name: 'Processor webhooks' }),
      });
      assert.equal(stream.status, 201, await stream.text());
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
    });

    for (const [size, bad] of [
      [100, [51, 64, 77, 98, 99]],
      [1000, [50, 51, 333, 620, 998, 999]],
    ] as Array<[number, number[]]>) {
      test(`a batch of ${size}: every failure past index 50 is reported, every success delivered`, async () => {
        const stream = `webhooks`;
        const events = batch(stream, size, bad).map((e) => ({ ...e, external_id: `b${size}-${e.external_id}` }));
        const first = await relayDeliver(server.url, arrayKey, events, `relay-batch-${size}`);
        assert.deepEqual(
          first.failures.map((f) => f.index),
          bad,
        );
        assert.ok(first.failures.every((f) => f.status === 'failed' && (f.error_code === 'invalid_amount' || f.error_code === 'invalid_direction')));
        assert.equal(first.delivered.length, size - bad.length);
        const landed = (await externalIds(server.url, arrayKey, stream)).filter((id) => id.startsWith(`b${size}-`));
        assert.deepEqual(landed, first.delivered.map((e) => e.external_id).sort(), 'what the relay counts delivered is exactly what landed');

        // The relay re-posts on any doubt: the same Idempotency-Key returns the same request, nothing twice.
        const again = await relayDeliver(server.url, arrayKey, events, `relay-batch-${size}`);
        assert.equal(again.replayed, true);
        assert.equal(again.id, first.id);
        assert.deepEqual(again.failures, first.failures);
        assert.equal((await externalIds(server.url, arrayKey, stream)).filter((id) => id.startsWith(`b${size}-`)).length, size - bad.length);
      });
    }

    test('the same request read with a page key has the contract shape; the header overrides either key', async () => {
      const events = batch('webhooks', 100, [70]).map((e) => ({ ...e, external_id: `mix-${e.external_id}` }));
      const { id } = await relayDeliver(server.url, arrayKey, events, 'relay-mixed');
      const read = async (apiKey: string, header?: string) => {
        const res = await fetch(`${server.url}/v1/bulk_requests/${id}`, {
          headers: { 'x-api-key': apiKey, ...(header ? { 'sluice-results-format': header } : {}) },
        });
        return { status: res.status, format: res.headers.get('sluice-results-format'), body: (await res.json()) as any };
      };
      const paged = await read(pageKey);
      assert.equal(paged.format, 'page');
      assert.equal(paged.body.results.data.length, 50);
      assert.equal(paged.body.results.has_more, true);
      assert.equal(paged.body.results.offset, 0);
      assert.equal(paged.body.results_truncated, undefined);
      assert.throws(() => (paged.body.results ?? []).filter(() => true), TypeError, 'the relay cannot read a page: why the setting exists');

      const asArray = await read(pageKey, 'array');
      assert.equal(asArray.format, 'array');
      assert.equal(asArray.body.results.length, 100);
      assert.deepEqual(asArray.body.results.filter((r: { status: string }) => r.status !== 'successful').map((r: { index: number }) => r.index), [70]);
      assert.equal(asArray.body.results_truncated, false);
      assert.equal(asArray.body.results_total, 100);

      const asPage = await read(arrayKey, 'page');
      assert.equal(asPage.format, 'page');
      assert.equal(asPage.body.results.data.length, 50);
      const bad = await read(arrayKey, 'arrays');
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error, 'invalid_results_format');
    });

    test('sluice keys update changes an existing key, named by its prefix, for the running server', async () => {
      const listed = sluice(['keys', 'list'], database.env);
      assert.equal(await listed.exited, 0, listed.output());
      const line = listed.output().split('\n').find((l) => l.includes(arrayKey.slice(0, 12)));
      assert.match(line ?? '', /\sarray$/, listed.output());
      const prefix = line!.split(/\s+/)[1]!;

      const updated = sluice(['keys', 'update', prefix, '--results-format', 'page'], database.env);
      assert.equal(await updated.exited, 0, updated.output());
      assert.match(updated.output(), /results format page \(was array\)/);
      const body = (await (await fetch(`${server.url}/v1/bulk_requests?limit=1`, { headers: { 'x-api-key': arrayKey } })).json()) as any;
      const show = (await (await fetch(`${server.url}/v1/bulk_requests/${body.data[0].id}`, { headers: { 'x-api-key': arrayKey } })).json()) as any;
      assert.equal(Array.isArray(show.results), false);
      assert.ok(Array.isArray(show.results.data));

      const back = sluice(['keys', 'update', arrayKey, '--results-format', 'ARRAY'], database.env);
      assert.equal(await back.exited, 0, back.output());
      const again = (await (await fetch(`${server.url}/v1/bulk_requests/${body.data[0].id}`, { headers: { 'x-api-key': arrayKey } })).json()) as any;
      assert.ok(Array.isArray(again.results));

      for (const [args, message] of [
        [['keys', 'update', prefix, '--results-format', 'list'], /--results-format is "page" or "array" \(got "list"\)/],
        [['keys', 'update', 'sk_nope_zzzz', '--results-format', 'page'], /No API key has the prefix/],
        [['keys', 'update', '999999', '--results-format', 'page'], /There is no API key 999999/],
        [['keys', 'update', 'sk_test', '--results-format', 'page'], /fits API keys \d+, \d+/],
        [['keys', 'create', '--environment', 'test', '--results-format', 'pages'], /--results-format is "page" or "array"/],
      ] as Array<[string[], RegExp]>) {
        const run = sluice(args, database.env);
        assert.equal(await run.exited, 1, `${args.join(' ')}\n${run.output()}`);
        assert.match(run.output(), message);
        assert.doesNotMatch(run.output(), KEY, 'no key is printed on a refusal');
      }
    });
  });

  describe(`results formats and error_details through the API [${backend}]`, { timeout: 300_000 }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'formats', name: 'formats' })).status, 201);
    });
    after(async () => {
      await t?.close();
    });

    const get = (path: string, format?: string) => t.call('GET', path, undefined, format ? { headers: { 'sluice-results-format': format } } : {});

    test('a request of more than 1,000 items: the first 1,000 in index order, and the answer says so', async () => {
      const rows = Array.from({ length: 1_100 }, (_, i) => `2026-02-01,${i === 1_050 ? 'lots' : '1.00'},row ${i},big-${i}`);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/data_streams/formats/uploads',
        headers: { 'x-api-key': t.key, 'content-type': 'text/csv' },
        payload: `date,amount,description,external_id\n${rows.join('\n')}\n`,
      });
      assert.equal(res.statusCode, 202, res.body);
      await t.drain();
      const id = JSON.parse(res.body).id as number;

      const first = (await get(`/v1/bulk_requests/${id}`, 'array')).body;
      assert.equal(first.status, 'completed');
      assert.equal(first.results.length, 1_000);
      assert.deepEqual(first.results.map((r: { index: number }) => r.index), Array.from({ length: 1_000 }, (_, i) => i));
      assert.equal(first.results[0].row_number, 2);
      assert.equal(first.results_truncated, true);
      assert.equal(first.results_total, 1_100);

      const rest = (await get(`/v1/bulk_requests/${id}?offset=1000`, 'array')).body;
      assert.equal(rest.results.length, 100);
      assert.equal(rest.results[0].index, 1_000);
      assert.equal(rest.results.find((r: { index: number }) => r.index === 1_050).error_code, 'invalid_amount');
      assert.equal(rest.results_truncated, true, 'an offset leaves results out');

      const window = (await get(`/v1/bulk_requests/${id}?limit=10&offset=5`, 'array')).body;
      assert.deepEqual(window.results.map((r: { index: number }) => r.index), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      assert.equal(window.results_truncated, true);

      const page = (await get(`/v1/bulk_requests/${id}`)).body;
      assert.equal(page.results.data.length, 50, 'the default key keeps the contract page');
      assert.equal(page.results.has_more, true);
      assert.equal((await get(`/v1/bulk_requests/${id}`, ' Array ')).body.results.length, 1_000, 'the header is read case-insensitively');
      assert.equal((await get(`/v1/bulk_requests/${id}?limit=201`, 'array')).status, 422, 'the contract limit still bounds a sent limit');
    });

    test('the OpenAPI document describes both shapes and the header', async () => {
      const doc = JSON.parse((await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).body);
      const op = doc.paths['/v1/bulk_requests/{id}'].get;
      const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'sluice-results-format');
      assert.ok(header, 'the header is a documented parameter');
      const schema = op.responses['200'].content['application/json'].schema;
      const shapes = schema.properties.results.oneOf as Array<{ type: string; properties?: Record<string, unknown> }>;
      assert.deepEqual(shapes.map((v) => v.type).sort(), ['array', 'object']);
      assert.deepEqual(Object.keys(shapes.find((v) => v.type === 'object')!.properties!).sort(), ['data', 'has_more', 'offset']);
      assert.equal(schema.properties.results_truncated.type, 'boolean');
      assert.ok(schema.required.includes('error_details'));
    });

    test('error_details is an object in every bulk request body: create, get, list, cancel, retry, upload', async () => {
      const created = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('formats', 1, { external_id: 'ed-1' })] });
      assert.equal(created.status, 202);
      assert.deepEqual(created.body.error_details, {});
      assert.deepEqual((await get(`/v1/bulk_requests/${created.body.id}`)).body.error_details, {});
      assert.deepEqual((await get(`/v1/bulk_requests/${created.body.id}`, 'array')).body.error_details, {});
      const cancelled = await t.call('POST', `/v1/bulk_requests/${created.body.id}/cancel`);
      assert.equal(cancelled.status, 202);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.deepEqual(cancelled.body.error_details, {});
      const retried = await t.call('POST', `/v1/bulk_requests/${created.body.id}/retry`);
      assert.equal(retried.status, 202);
      assert.deepEqual(retried.body.error_details, {});
      const listed = (await get('/v1/bulk_requests?limit=200')).body.data;
      assert.ok(listed.length >= 3);
      for (const row of listed) assert.equal(typeof row.error_details, 'object', `request ${row.id}`);
      assert.ok(listed.every((row: { error_details: unknown }) => row.error_details !== null && !Array.isArray(row.error_details)));

      const upload = await t.app.inject({
        method: 'POST',
        url: '/v1/data_streams/formats/uploads',
        headers: { 'x-api-key': t.key, 'content-type': 'text/csv' },
        payload: 'date,amount,external_id\n2026-02-02,3.00,ed-2\n',
      });
      assert.equal(upload.statusCode, 202);
      assert.deepEqual(JSON.parse(upload.body).error_details, {});
      const rejected = await t.app.inject({
        method: 'POST',
        url: '/v1/data_streams/formats/uploads',
        headers: { 'x-api-key': t.key, 'content-type': 'text/csv' },
        payload: 'when,how much\n2026-02-02,3.00\n',
      });
      const body = JSON.parse(rejected.body);
      assert.equal(body.status, 'failed');
      assert.equal(body.error_details.kind, 'file_rejected', 'a failure still carries its details');
    });
  });
}
