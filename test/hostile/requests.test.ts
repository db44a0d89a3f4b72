import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { startTestApp, type TestApp } from '../support/app.js';
import { BACKENDS } from '../support/backends.js';
import { sampleRecord } from '../support/ingest.js';
import { assertAlive, assertCatalogued, CSV, multipart, writtenRows } from './support.js';

// Every hostile request from issue 10, one by one: each is refused with a catalogued 4xx (or, for a
// problem of one row, fails that row only), writes nothing it should not, and leaves the app answering.

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
/** Deep nesting as text: JSON.stringify itself would overflow the stack building it. */
const nestedText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

for (const backend of BACKENDS) {
  describe(`hostile requests [${backend}]`, () => {
    let t: TestApp;
    let bulkId: number;
    before(async () => {
      t = await startTestApp(backend);
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'h', name: 'hostile' })).status, 201);
      const created = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('h', 0)] });
      bulkId = created.body.id;
      await t.drain();
    });
    after(async () => {
      await t.close();
    });

    const inject = (options: InjectOptions) =>
      t.app.inject({ ...options, headers: { 'x-api-key': t.key, ...(options.headers ?? {}) } });

    test('JSON nested deeper than 64 levels is refused as body_too_deep before anything recursive runs', async () => {
      const before = await writtenRows(t.store);
      const bodies = [
        `{"records":[${nestedText(10_000)}]}`,
        `{"records":[{"date":"2026-01-01","data_stream_key":"h","amount":1,"direction":"credit","metadata":${nestedText(10_000)}}]}`,
        nestedText(100_000),
        `${'['.repeat(70)}${']'.repeat(70)}`,
      ];
      for (const [i, payload] of bodies.entries()) {
        const res = await inject({ method: 'POST', url: '/v1/records/bulk', headers: { 'content-type': 'application/json' }, payload });
        const body = assertCatalogued(res, `deep body ${i}`, { status: 400, code: 'body_too_deep' });
        assert.equal(body.details?.max_depth, 64);
      }
      for (const url of ['/v1/records', '/v1/data_streams', '/v1/data_stream_property_definitions']) {
        const res = await inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: nestedText(5000) });
        assertCatalogued(res, url, { status: 400, code: 'body_too_deep' });
      }
      assert.deepEqual(await writtenRows(t.store), before);
      // At the limit it is an ordinary body: metadata 60 levels deep is stored as sent.
      const ok = await t.call('POST', '/v1/records', { ...sampleRecord('h', 1), metadata: nested(60) });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      await assertAlive(t);
    });

    test('numeric query parameters out of range answer 422 invalid_filter on every route', async () => {
      const urls = [
        `/v1/bulk_requests/${bulkId}?offset=99999999999999999999`,
        `/v1/bulk_requests/${bulkId}?offset=9007199254740993`,
        `/v1/bulk_requests/${bulkId}?offset=-1`,
        `/v1/bulk_requests/${bulkId}?offset=1e400`,
        `/v1/bulk_requests/${bulkId}?limit=99999999999999999999`,
        `/v1/bulk_requests?parent_bulk_request_id=99999999999999999999`,
        `/v1/records?bulk_request_id=99999999999999999999`,
        `/v1/records?import_batch_id=1e30`,
        `/v1/data_streams/h/import_batches?offset=99999999999999999999`,
        `/v1/data_streams/h/import_batches?limit=0`,
      ];
      for (const url of urls) {
        const res = await inject({ method: 'GET', url });
        assertCatalogued(res, url, { status: 422, code: 'invalid_filter' });
      }
      // The largest offset allowed is an ordinary (empty) page.
      const far = await t.call('GET', `/v1/bulk_requests/${bulkId}?offset=9007199254740991`);
      assert.equal(far.status, 200);
      assert.deepEqual(far.body.results.data, []);
      // Ids in paths that cannot be ids answer the resource's 404.
      for (const url of ['/v1/bulk_requests/99999999999999999999', '/v1/records/1e3', '/v1/import_batches/-1', `/v1/data_streams/h/operations/99999999999999999999`]) {
        const res = await inject({ method: 'GET', url });
        assertCatalogued(res, url, { status: 404 });
      }
      await assertAlive(t);
    });

    test('NUL and lone surrogates in a text field fail that row only, on both databases; in metadata they round-trip', async () => {
      const good = sampleRecord('h', 100);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ ...sampleRecord('h', 101), data_stream_key: 'h\u0000' }, 'unknown_data_stream'],
        [{ ...sampleRecord('h', 102), description: 'a\u0000b' }, 'invalid_description'],
        [{ ...sampleRecord('h', 103), external_id: 'x\u0000' }, 'invalid_external_id'],
        [{ ...sampleRecord('h', 106), description: 'lone \ud800 high' }, 'invalid_description'],
        [{ ...sampleRecord('h', 107), external_id: 'lone-\udc00' }, 'invalid_external_id'],
        [{ ...sampleRecord('h', 109), currency: 'US\u0000' }, 'invalid_currency'],
        [{ ...sampleRecord('h', 110), date: '2026-01-0\u0000' }, 'invalid_date'],
        [{ ...sampleRecord('h', 111), direction: 'credit\u0000' }, 'invalid_direction'],
      ];
      // A valid pair, and a backslash followed by "u0000" as plain text, are ordinary characters. Metadata is
      // stored as JSON text, where NUL and lone surrogates are escapes: kept exactly, on both databases.
      const metadata = { text: '\\u0000 and \\ud800', 'k\u0000': 'v\u0000', deep: { list: ['ok', 'x\udbff'] } };
      const emoji = { ...sampleRecord('h', 112), description: 'paid \ud83d\ude00', metadata };
      // Every record names stream `h`, even the NUL one: the request's data_stream_id look-up must not choke.
      const only = await t.call('POST', '/v1/records/bulk', { records: [{ ...sampleRecord('h', 113), data_stream_key: 'h\u0000' }] });
      assert.equal(only.status, 202, JSON.stringify(only.body));
      assert.equal(only.body.data_stream_id, null);

      const res = await t.call('POST', '/v1/records/bulk', { records: [good, ...bad.map(([r]) => r), emoji] });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      await t.drain();
      const done = await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=200`);
      assert.equal(done.body.status, 'completed');
      assert.equal(done.body.successful_items, 2);
      assert.equal(done.body.failed_items, bad.length);
      const byIndex = new Map(done.body.results.data.map((r: { index: number }) => [r.index, r]));
      bad.forEach(([, code], i) => assert.equal((byIndex.get(i + 1) as { error_code: string }).error_code, code, `row ${i + 1}`));
      const stored = await t.call('GET', `/v1/records/${(byIndex.get(bad.length + 1) as { record_id: number }).record_id}`);
      assert.equal(stored.body.description, 'paid \ud83d\ude00');
      assert.deepEqual(stored.body.metadata, metadata);

      // The same checks answer single-record routes with a 422, and data stream names too.
      const one = await t.call('POST', '/v1/records', { ...sampleRecord('h', 114), external_id: '\ud800' });
      assertCatalogued({ statusCode: one.status, body: JSON.stringify(one.body), headers: one.headers }, 'POST /records', { status: 422, code: 'invalid_external_id' });
      const stream = await t.call('POST', '/v1/data_streams', { key: 'nul', name: 'bad \udfff name' });
      assert.equal(stream.status, 422, JSON.stringify(stream.body));
      await assertAlive(t);
    });

    test('amounts that are not finite fail the row as invalid_amount', async () => {
      const payload = `{"records":[${JSON.stringify(sampleRecord('h', 200)).replace('"amount":300', '"amount":1e400')},${JSON.stringify(sampleRecord('h', 201)).replace('"amount":301', '"amount":-1e400')},${JSON.stringify(sampleRecord('h', 202, { metadata: { big: 1 } })).replace('"big":1', '"big":1e999')}]}`;
      const res = await inject({ method: 'POST', url: '/v1/records/bulk', headers: { 'content-type': 'application/json' }, payload });
      assert.equal(res.statusCode, 202, res.body);
      await t.drain();
      const done = await t.call('GET', `/v1/bulk_requests/${JSON.parse(res.body).id}`);
      assert.deepEqual(
        done.body.results.data.map((r: { error_code: string }) => r.error_code),
        ['invalid_amount', 'invalid_amount', 'invalid_metadata'],
      );
      assert.match(done.body.results.data[0].error, /finite/);
      const single = await inject({ method: 'POST', url: '/v1/records', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sampleRecord('h', 203)).replace('"amount":303', '"amount":1e400') });
      assertCatalogued(single, 'POST /records 1e400', { status: 422, code: 'invalid_amount' });
    });

    test('an upload in a content type it does not take answers 415', async () => {
      const before = await writtenRows(t.store);
      for (const type of ['application/json', 'text/html', 'image/png', 'multipart/mixed; boundary=x']) {
        const res = await inject({ method: 'POST', url: '/v1/data_streams/h/uploads', headers: { 'content-type': type }, payload: '{"records":[]}' });
        assertCatalogued(res, type, { status: 415, code: 'unsupported_media_type' });
      }
      assert.deepEqual(await writtenRows(t.store), before);
      await assertAlive(t);
    });

    test('every multipart parser error answers 400 invalid_multipart', async () => {
      const before = await writtenRows(t.store);
      const b = 'XyZ123';
      const cases: Array<[string, string, string]> = [
        ['too many fields', `multipart/form-data; boundary=${b}`, multipart(b, [...Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'x' })), { name: 'file', filename: 'a.csv', value: CSV }])],
        ['no boundary', 'multipart/form-data', multipart(b, [{ name: 'file', filename: 'a.csv', value: CSV }])],
        ['5,000-character boundary', `multipart/form-data; boundary=${'b'.repeat(5000)}`, multipart('b'.repeat(5000), [{ name: 'file', filename: 'a.csv', value: CSV }])],
        ['two files', `multipart/form-data; boundary=${b}`, multipart(b, [{ name: 'other', filename: 'b.csv', value: CSV }, { name: 'x', filename: 'c.csv', value: CSV }, { name: 'file', filename: 'a.csv', value: CSV }])],
        ['a field too large', `multipart/form-data; boundary=${b}`, multipart(b, [{ name: 'mapping', value: 'x'.repeat(70 * 1024) }, { name: 'file', filename: 'a.csv', value: CSV }])],
      ];
      for (const [what, type, payload] of cases) {
        const res = await inject({ method: 'POST', url: '/v1/data_streams/h/uploads', headers: { 'content-type': type }, payload });
        assertCatalogued(res, what, { status: 400, code: 'invalid_multipart' });
      }
      // Bodies in which the parser finds no part it can name (cut off before the file part, a part header
      // without a name, no boundary line at all) have no file to speak of, whatever else is wrong.
      for (const [what, payload] of [
        ['cut before the file part', `--${b}\r\nContent-Disposition: form-data; name="format"\r\n\r\ncs`],
        ['a malformed part header', `--${b}\r\nContent-Disposition form-data name\r\n\r\nx\r\n--${b}--\r\n`],
        ['garbage', '\u0000\u0001 not multipart at all'],
      ]) {
        const res = await inject({ method: 'POST', url: '/v1/data_streams/h/uploads', headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: payload! });
        assertCatalogued(res, what!, { status: 422, code: 'missing_file' });
      }
      assert.deepEqual(await writtenRows(t.store), before);
      await assertAlive(t);
    });

    test('a multipart body cut off inside the file ends the upload with a 400, and nothing of it is processed', async () => {
      const b = 'cutcut';
      const payload = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${CSV}2026-01-03,1.00,credit,a2\n`;
      const before = await writtenRows(t.store);
      const res = await inject({ method: 'POST', url: '/v1/data_streams/h/uploads', headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload });
      const body = assertCatalogued(res, 'cut inside the file', { status: 400, code: 'invalid_multipart' });
      await t.drain();
      const afterCut = await writtenRows(t.store);
      assert.equal(afterCut.records, before.records, 'no record from a file that was not received whole');
      // The request that existed from the first byte is kept, failed, and named in the answer.
      if (afterCut.bulk_requests !== before.bulk_requests) {
        const id = body.details?.bulk_request_id;
        assert.equal(typeof id, 'number');
        const failed = await t.call('GET', `/v1/bulk_requests/${id}`);
        assert.equal(failed.body.status, 'failed');
      }
      await assertAlive(t);
    });

    test("Fastify's own errors leave in the catalogue's shape, with no URL echoed", async () => {
      const long = 'k'.repeat(150);
      const cases: Array<[string, InjectOptions, number, string?]> = [
        ['path parameter over 100 characters', { method: 'GET', url: `/v1/data_streams/${long}` }, 414, 'path_parameter_too_long'],
        ['bad percent-encoding', { method: 'GET', url: '/v1/data_streams/%zz%' }, 400],
        ['bad JSON', { method: 'POST', url: '/v1/records/bulk', headers: { 'content-type': 'application/json' }, payload: '{"records": [' }, 400, 'invalid_json'],
        ['empty JSON', { method: 'POST', url: '/v1/records', headers: { 'content-type': 'application/json' }, payload: '' }, 400, 'invalid_json'],
        ['proto poisoning', { method: 'POST', url: '/v1/data_streams', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1},"key":"p","name":"p"}' }, 400, 'invalid_json'],
        ['unknown media type', { method: 'POST', url: '/v1/records/bulk', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' }, 415, 'unsupported_media_type'],
        ['malformed content type', { method: 'POST', url: '/v1/records/bulk', headers: { 'content-type': '/;;;' }, payload: '{}' }, 415, 'unsupported_media_type'],
        ['body too large', { method: 'POST', url: '/v1/data_streams', headers: { 'content-type': 'application/json' }, payload: `{"key":"big","name":"${'x'.repeat(33 * 1024 * 1024)}"}` }, 413, 'payload_too_large'],
        ['wrong method', { method: 'PUT', url: '/v1/records/bulk' }, 404, 'route_not_found'],
        ['JSON with invalid UTF-8 bytes', { method: 'POST', url: '/v1/data_streams', headers: { 'content-type': 'application/json' }, payload: Buffer.concat([Buffer.from('{"key":"u8","name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) }, 400, 'invalid_json'],
      ];
      for (const [what, options, status, code] of cases) {
        const res = await inject(options);
        const body = assertCatalogued(res, what, { status, ...(code ? { code } : {}) });
        assert.ok(!res.body.includes(long) && !res.body.includes('%zz'), `${what}: the URL is not echoed`);
        assert.ok(body.message.length > 0);
      }
      assert.equal((await t.call('GET', '/v1/data_streams/u8')).status, 404);
      await assertAlive(t);
    });

    test('every response says nosniff; authenticated ones are never cached', async () => {
      const responses = [
        await inject({ method: 'GET', url: '/v1/data_streams' }),
        await inject({ method: 'GET', url: `/v1/bulk_requests/${bulkId}/failed_rows.csv` }),
        await inject({ method: 'GET', url: '/v1/nope' }),
        await inject({ method: 'GET', url: `/v1/data_streams/${'x'.repeat(200)}` }),
        await t.app.inject({ method: 'GET', url: '/v1/data_streams', headers: { 'x-api-key': 'sk_test_wrong' } }),
      ];
      for (const res of responses) {
        assert.equal(res.headers['x-content-type-options'], 'nosniff', `${res.statusCode} ${res.body.slice(0, 80)}`);
        assert.equal(res.headers['cache-control'], 'no-store', `${res.statusCode} ${res.body.slice(0, 80)}`);
      }
      for (const url of ['/healthz', '/readyz', '/metrics', '/v1/openapi.json']) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      }
      // A rate-limited answer too, which a hook ends before any route runs.
      const limited = await startTestApp(backend, { SLUICE_RATE_LIMIT_MAX: '1', SLUICE_RATE_LIMIT_WINDOW_MS: '60000' });
      try {
        await limited.call('GET', '/v1/data_streams');
        const res = await limited.app.inject({ method: 'GET', url: '/v1/data_streams', headers: { 'x-api-key': limited.key } });
        assertCatalogued(res, '429', { status: 429, code: 'rate_limited' });
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['cache-control'], 'no-store');
      } finally {
        await limited.close();
      }
    });
  });
}
