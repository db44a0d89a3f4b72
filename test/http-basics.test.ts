import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS, openTestStore } from './support/backends.js';
import { bootstrapIfEmpty } from '../src/keys/api-key.repository.js';

for (const backend of BACKENDS) {
  describe(`probes, metrics and errors [${backend}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { SLUICE_RATE_LIMIT_MAX: '5', SLUICE_RATE_LIMIT_WINDOW_MS: '60000' });
    });
    after(async () => {
      await t.close();
    });

    test('/healthz, /readyz, /metrics and /v1/openapi.json answer without a key', async () => {
      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.deepEqual(JSON.parse(ready.body), { status: 'ready' });
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
      assert.match(metrics.body, /sluice_http_request_duration_seconds/);
      assert.match(metrics.body, /sluice_items_processed_total/);
      const doc = await t.app.inject({ method: 'GET', url: '/v1/openapi.json' });
      assert.equal(JSON.parse(doc.body).openapi, '3.1.0');
    });

    test('unknown routes, bad JSON and wrong content types answer catalogued errors', async () => {
      const missing = await t.call('GET', '/v1/nope');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, 'route_not_found');
      const badJson = await t.app.inject({
        method: 'POST',
        url: '/v1/records/bulk',
        headers: { 'x-api-key': t.key, 'content-type': 'application/json' },
        payload: '{"records": [',
      });
      assert.equal(badJson.statusCode, 400);
      assert.equal(JSON.parse(badJson.body).error, 'invalid_json');
      const wrongType = await t.app.inject({
        method: 'POST',
        url: '/v1/records/bulk',
        headers: { 'x-api-key': t.key, 'content-type': 'application/xml' },
        payload: '<records/>',
      });
      assert.equal(wrongType.statusCode, 415);
      assert.equal(JSON.parse(wrongType.body).error, 'unsupported_media_type');
    });

    test('rate limiting per API key answers 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 7; i++) {
        last = await t.call('GET', '/v1/data_streams', undefined, { as: t.otherKey });
        statuses.push(last.status);
      }
      assert.ok(statuses.slice(0, 4).every((s) => s === 200), statuses.join());
      assert.equal(statuses[6], 429);
      assert.equal(last!.body.error, 'rate_limited');
      assert.ok(Number(last!.headers['retry-after']) > 0);
      // Probes are not rate limited.
      for (let i = 0; i < 8; i++) assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    });
  });
}

test('logs never contain an API key or a request body', async () => {
  const { store, close } = await openTestStore('sqlite');
  const boot = await bootstrapIfEmpty(store.db, undefined, Date.now());
  let logged = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  const app = await buildApp({ store, config: loadConfig({}) }, { loggerInstance: pino({ level: 'trace' }, sink) });
  try {
    await app.inject({ method: 'POST', url: '/v1/data_streams', headers: { 'x-api-key': boot!.key }, payload: { key: 'acct', name: 'Account 123456789' } });
    await app.inject({ method: 'GET', url: '/v1/data_streams', headers: { 'x-api-key': 'sk_test_wrong_key_000000000000' } });
    assert.ok(logged.length > 0, 'something was logged');
    assert.ok(!logged.includes(boot!.key), 'the API key is not in the logs');
    assert.ok(!logged.includes('sk_test_wrong_key'), 'not even a wrong key');
    assert.ok(!logged.includes('123456789'), 'bodies are not logged');
  } finally {
    await app.close();
    await close();
  }
});
