import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.js';
import { BACKENDS } from '../support/backends.js';
import { assertAlive, assertCatalogued } from './support.js';

// Hostile input on the webhook routes: any body, URL or id. No 5xx; a refusal is catalogued; no refused
// request leaves an endpoint or a delivery behind; no URL that is not https and public gets saved.

const RUNS = Number(process.env.SLUICE_FUZZ_RUNS ?? 60);
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nasty = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 60 }),
  fc.constantFrom('', '\u0000', '\ud800', 'https://', 'https://[::1', 'https://[::ffff:7f00:1]/', 'https://0x7f.1/', 'https://2130706433/', 'https://127.1/',
    'https://%31%32%37.0.0.1/', 'https://a..b/', `https://${'a'.repeat(300)}.com/`, 'https://93.184.216.34:99999/', 'javascript:alert(1)', 'file:///etc/passwd', 'https://93.184.216.34/\u0000'),
);
const value = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nasty, { maxLength: 3 }));
const body = fc.record(
  { url: value, description: value, enabled_events: fc.oneof(value, fc.array(fc.oneof(nasty, fc.constantFrom('*', 'bulk_request.completed')), { maxLength: 4 })), disabled: value, webhook_endpoint_id: value },
  { requiredKeys: [] },
);

for (const backend of BACKENDS) {
  describe(`hostile webhook requests [${backend}]`, () => {
    let t: TestApp;
    let endpointId: number;
    before(async () => {
      t = await startTestApp(backend);
      const created = await t.call('POST', '/v1/webhook_endpoints', { url: 'https://93.184.216.34/hook' });
      assert.equal(created.status, 201);
      endpointId = created.body.id;
    });
    after(async () => {
      await t.close();
    });

    test('fuzzed bodies and ids on every webhook route', async () => {
      const routes: Array<[InjectOptions['method'], string]> = [
        ['POST', '/v1/webhook_endpoints'],
        ['PATCH', `/v1/webhook_endpoints/${endpointId}`],
        ['POST', '/v1/events/evt_1/redeliver'],
        ['POST', `/v1/webhook_endpoints/${endpointId}/rotate_secret`],
      ];
      const ids = fc.oneof(nasty.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))), fc.constantFrom('evt_', 'evt_0', '0', '-1', '99999999999999999999', 'evt_1e3'));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), body, ids, async ([method, url], payload, id) => {
          const before = await t.store.db.selectFrom('webhook_endpoints').select(['id', 'url']).orderBy('id').execute();
          const res = await t.app.inject({ method, url, headers: { 'x-api-key': t.key }, payload });
          assert.ok(res.statusCode < 500, `${method} ${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (res.statusCode >= 400) {
            assertCatalogued(res, `${method} ${url}`);
            assert.deepEqual(await t.store.db.selectFrom('webhook_endpoints').select(['id', 'url']).orderBy('id').execute(), before, 'a refusal writes nothing');
          }
          for (const path of [`/v1/webhook_endpoints/${id}`, `/v1/events/${id}`, `/v1/webhook_endpoints/${id}/deliveries`]) {
            const shown = await t.app.inject({ method: 'GET', url: path, headers: { 'x-api-key': t.key } });
            assert.ok(shown.statusCode < 500, `GET ${path}: ${shown.statusCode}`);
            if (shown.statusCode >= 400) assertCatalogued(shown, `GET ${path}`);
          }
        }),
        { numRuns: RUNS },
      );
      // Whatever was accepted is https and public (the test app sets neither allow flag).
      for (const { url } of await t.store.db.selectFrom('webhook_endpoints').select('url').execute()) {
        const host = new URL(url).hostname;
        assert.match(url, /^https:\/\//);
        assert.ok(!/^(127\.|10\.|192\.168\.|0\.|\[)/.test(host) && host !== 'localhost', url);
      }
      await assertAlive(t);
    });
  });
}
