import assert from 'node:assert/strict';
import { sql } from 'kysely';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.js';
import { BACKENDS } from '../support/backends.js';
import { assertAlive, assertCatalogued, CSV, multipart, writtenRows } from './support.js';

// Fuzzed bodies, headers, URLs and multipart bodies, through the real HTTP interface on both databases.
// Whatever comes in: no 5xx; a refusal is a catalogued error in the catalogue's shape and writes nothing;
// what is accepted is processed to the end by the worker; and the app still answers an ordinary request.
// Runs are bounded (and seeded by fast-check, which prints the seed of a failure) to keep the file short.

/** SLUICE_FUZZ_RUNS raises the runs for a longer search (the default keeps `npm test` short). */
const RUNS = Number(process.env.SLUICE_FUZZ_RUNS ?? 60);

/** What Fastify's JSON parser refuses as prototype poisoning: a `__proto__` key, or `constructor.prototype`. */
function isPoisoned(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(isPoisoned);
  const object = value as Record<string, unknown>;
  if (Object.hasOwn(object, '__proto__')) return true;
  const ctor = Object.hasOwn(object, 'constructor') ? object.constructor : undefined;
  if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
  return Object.values(object).some(isPoisoned);
}

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nastyString = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 40 }),
  fc.constantFrom('', 'h', '\u0000', '\ud800', '\udfffInfinity', '=cmd', 'sk_test_x', '1e400', '9'.repeat(400), '__proto__', 'constructor'),
);
const nastyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, 2 ** 63));
const leaf = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null));
const nastyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(nastyString, tie('value'), { maxKeys: 4 })),
})).value;

const record = fc.record(
  {
    date: fc.oneof(fc.constant('2026-01-15'), nastyString),
    data_stream_key: fc.oneof(fc.constant('fz'), nastyString),
    amount: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), nastyNumber, nastyString),
    direction: fc.oneof(fc.constantFrom('credit', 'debit'), nastyString),
    currency: fc.oneof(fc.constantFrom('USD', 'jpy', 'XXX'), nastyString),
    description: fc.oneof(nastyString, fc.constant(null)),
    external_id: fc.oneof(nastyString, fc.constant(null)),
    metadata: nastyValue,
  },
  { requiredKeys: [] },
);

/** Text that is almost JSON: valid JSON cut short, with bytes flipped, or spliced with big literals. */
const almostJson = fc
  .tuple(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat(), fc.constantFrom('cut', 'splice', 'deep', 'number'))
  .map(([records, at, how]) => {
    const text = JSON.stringify({ records });
    const i = at % (text.length + 1);
    if (how === 'cut') return text.slice(0, i);
    if (how === 'splice') return `${text.slice(0, i)}\u0000\\ud800"${text.slice(i)}`;
    if (how === 'deep') return `${text.slice(0, i)}${'['.repeat(70 + (at % 1000))}${text.slice(i)}`;
    return text.replace(/-?\d+(\.\d+)?/, '1e400');
  });

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'text/csv', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/octet-stream', ''),
  printable,
);

const ROUTES: Array<[InjectOptions['method'], string]> = [
  ['POST', '/v1/records/bulk'],
  ['POST', '/v1/records'],
  ['POST', '/v1/data_streams'],
  ['PATCH', '/v1/data_streams/fz'],
  ['POST', '/v1/data_stream_property_definitions'],
  ['POST', '/v1/data_streams/fz/uploads'],
  ['POST', '/v1/bulk_requests/1/retry'],
  ['PATCH', '/v1/records/1'],
];

for (const backend of BACKENDS) {
  describe(`fuzzed requests [${backend}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'fz', name: 'fuzz' })).status, 201);
      await t.call('POST', '/v1/records', { date: '2026-01-01', data_stream_key: 'fz', amount: 1, direction: 'credit' });
    });
    after(async () => {
      await t.close();
    });

    /** One request: a 4xx is catalogued and writes nothing; nothing is a 5xx. */
    async function check(options: InjectOptions, what: string) {
      const before = await writtenRows(t.store);
      const res = await t.app.inject(options);
      assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400) {
        if (res.statusCode !== 404 || res.body.length > 0) assertCatalogued(res, what);
        const afterwards = await writtenRows(t.store);
        // A failed upload keeps its (failed) request row, so that the client can read why; nothing else.
        assert.deepEqual({ ...afterwards, bulk_requests: before.bulk_requests }, before, `${what}: a refusal wrote nothing`);
      }
      return res;
    }

    test('fuzzed bulk records: accepted requests complete, every row is accounted for', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), fc.constantFrom('skip', 'error'), async (records, onConflict) => {
          const res = await check(
            { method: 'POST', url: '/v1/records/bulk', headers: { 'x-api-key': t.key }, payload: { records, on_conflict: onConflict } },
            'bulk',
          );
          // A `__proto__` key anywhere refuses the whole body (invalid_json): Fastify's guard against
          // prototype poisoning, kept. Every other problem is a row's.
          const poisoned = isPoisoned(records);
          assert.equal(res.statusCode, poisoned ? 400 : 202, res.body.slice(0, 300));
        }),
        { numRuns: RUNS },
      );
      await t.drain();
      const requests = await sql<{ status: string; n: number }>`SELECT status, COUNT(*) AS n FROM bulk_requests GROUP BY status`.execute(t.store.db);
      assert.deepEqual(requests.rows.map((r) => r.status), ['completed'], 'every request completed');
      const totals = await sql<{ processed: number; total: number; successful: number }>`
        SELECT SUM(processed_items) AS processed, SUM(total_items) AS total, SUM(successful_items) AS successful FROM bulk_requests`.execute(t.store.db);
      const row = totals.rows[0]!;
      assert.equal(Number(row.processed), Number(row.total));
      const landed = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM records WHERE bulk_request_id IS NOT NULL`.execute(t.store.db);
      assert.equal(Number(landed.rows[0]!.n), Number(row.successful), 'the records that landed are the successful rows');
      await assertAlive(t);
    });

    test('fuzzed bodies in any content type on every writing route', async () => {
      const body = fc.oneof(
        almostJson,
        nastyValue.map((v) => JSON.stringify(v) ?? ''),
        fc.string({ unit: anyUnit, maxLength: 200 }),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ROUTES), contentType, body, async ([method, url], type, payload) => {
          await check({ method, url, headers: { 'x-api-key': t.key, 'content-type': type }, payload }, `${method} ${url} ${type}`);
        }),
        { numRuns: RUNS * 2 },
      );
      await t.drain();
      await assertAlive(t);
    });

    test('fuzzed headers, paths and query strings', async () => {
      const segment = fc.oneof(printable, fc.string({ unit: anyUnit, maxLength: 30 }).map((text) => {
          try {
            return encodeURIComponent(text);
          } catch {
            return text.replace(/[\ud800-\udfff]/g, '%ED%A0%80');
          }
        }), fc.constantFrom('%', '%zz', '..', '%00', 'x'.repeat(150), '99999999999999999999'));
      const query = fc.dictionary(fc.constantFrom('limit', 'offset', 'cursor', 'status', 'stuck', 'created_after', 'data_stream_key', 'parent_bulk_request_id', 'bulk_request_id', 'include', 'async', 'api_key'), segment, { maxKeys: 4 });
      const path = fc.constantFrom('/v1/bulk_requests/', '/v1/records/', '/v1/data_streams/', '/v1/import_batches/', '/v1/data_streams/fz/operations/', '/v1/bulk_requests/1/', '/v1/', '/');
      const headers = fc.record(
        {
          'x-api-key': fc.oneof(printable, fc.constant('KEY')),
          'idempotency-key': fc.oneof(printable, fc.constant('k'.repeat(300))),
          accept: printable,
          'content-type': contentType,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom<InjectOptions['method']>('GET', 'POST', 'PATCH', 'DELETE'), path, segment, query, headers, async (method, base, seg, q, h) => {
          const search = Object.entries(q).map(([k, v]) => `${k}=${v.replace(/[#&\s]/g, '')}`).join('&');
          const url = `${base}${seg.replace(/[?#\s]/g, '')}${search ? `?${search}` : ''}`;
          const sent = { ...h, ...(h['x-api-key'] === 'KEY' || h['x-api-key'] === undefined ? { 'x-api-key': t.key } : {}) };
          // Never a delete of the stream itself: the writes of other cases are checked against it.
          if (method === 'DELETE' && /data_streams\/fz\/?$/.test(url)) return;
          await check({ method, url, headers: sent as Record<string, string> }, `${method} ${url}`);
        }),
        { numRuns: RUNS * 2 },
      );
      await assertAlive(t);
    });

    test('fuzzed multipart uploads', async () => {
      const boundary = fc.oneof(fc.constantFrom('b', 'XyZ', 'x'.repeat(70), 'x'.repeat(5000)), fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', "'", '(', ' ', '='), minLength: 1, maxLength: 80 }));
      const part = fc.record({
        name: fc.oneof(fc.constantFrom('file', 'format', 'on_conflict', 'dry_run', 'mapping', 'delimiter', '__proto__'), printable),
        filename: fc.option(fc.constantFrom('a.csv', 'a.ach', '../../etc/passwd', ''), { nil: undefined }),
        type: fc.option(fc.constantFrom('text/csv', 'application/json', 'text/plain'), { nil: undefined }),
        value: fc.oneof(fc.constant(CSV), fc.constantFrom('csv', 'nacha', 'true', '{"amount":"x"}'), fc.string({ unit: anyUnit, maxLength: 100 })),
      });
      await fc.assert(
        fc.asyncProperty(boundary, fc.array(part, { maxLength: 25 }), fc.boolean(), fc.nat(), fc.boolean(), async (b, parts, close, cutAt, declare) => {
          let payload = multipart(b, parts, close);
          if (!close && payload.length > 0) payload = payload.slice(0, cutAt % payload.length);
          const type = declare ? `multipart/form-data; boundary=${b.includes(' ') ? `"${b}"` : b}` : 'multipart/form-data';
          await check({ method: 'POST', url: '/v1/data_streams/fz/uploads', headers: { 'x-api-key': t.key, 'content-type': type }, payload }, `multipart ${type.slice(0, 60)}`);
        }),
        { numRuns: RUNS * 2 },
      );
      await t.drain();
      await assertAlive(t);
    });
  });
}
