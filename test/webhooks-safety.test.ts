import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { Deliverer } from '../src/webhooks/delivery/deliverer.js';
import { EVENT_TYPES } from '../src/webhooks/event-types.js';
import { insertEndpoint } from '../src/webhooks/webhook-endpoint.repository.js';
import { generateSecret } from '../src/webhooks/signing.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { sampleRecord } from './support/ingest.js';
import { startReceiver, type Receiver } from './support/webhook-receiver.js';

// Where webhooks may go. Without SLUICE_WEBHOOK_ALLOW_HTTP / SLUICE_WEBHOOK_ALLOW_PRIVATE an endpoint must be
// https and resolve only to public addresses, when it is saved and again when each attempt connects (a name
// that resolves to loopback by then, as with DNS rebinding, is refused and nothing reaches the receiver).

for (const backend of BACKENDS) {
  describe(`webhook URL safety [${backend}]`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let receiver: Receiver;

    before(async () => {
      t = await startTestApp(backend, { SLUICE_WEBHOOK_RETRY_SCHEDULE: '10ms' });
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await t?.close();
    });

    const create = (url: string) => t.call('POST', '/v1/webhook_endpoints', { url });

    test('without the flags: plain http, and hosts that are or resolve to non-public addresses, are refused with a named error', async () => {
      const refused: Array<[string, string]> = [
        [receiver.url, 'webhook_url_not_https'],
        ['http://example.com/hook', 'webhook_url_not_https'],
        ['https://127.0.0.1/hook', 'webhook_url_not_public'],
        ['https://localhost/hook', 'webhook_url_not_public'],
        ['https://10.1.2.3/hook', 'webhook_url_not_public'],
        ['https://172.16.0.1/hook', 'webhook_url_not_public'],
        ['https://192.168.1.1/hook', 'webhook_url_not_public'],
        ['https://169.254.169.254/latest/meta-data', 'webhook_url_not_public'],
        ['https://0.0.0.0/hook', 'webhook_url_not_public'],
        ['https://[::1]/hook', 'webhook_url_not_public'],
        ['https://[fe80::1]/hook', 'webhook_url_not_public'],
        ['https://[fd00::1]/hook', 'webhook_url_not_public'],
        ['https://[::ffff:10.0.0.1]/hook', 'webhook_url_not_public'],
        ['https://user:pass@93.184.216.34/hook', 'webhook_url_invalid'],
        ['ftp://93.184.216.34/hook', 'webhook_url_invalid'],
        ['not a url', 'webhook_url_invalid'],
      ];
      for (const [url, code] of refused) {
        const res = await create(url);
        assert.equal(res.status, 422, url);
        assert.equal(res.body.error, code, url);
      }
      // A public address is accepted (a literal: no DNS needed to know it).
      const ok = await create('https://93.184.216.34/hook');
      assert.equal(ok.status, 201);
      const patched = await t.call('PATCH', `/v1/webhook_endpoints/${ok.body.id}`, { url: 'https://127.0.0.1/hook' });
      assert.equal(patched.status, 422);
      assert.equal(patched.body.error, 'webhook_url_not_public');
      assert.equal((await t.call('DELETE', `/v1/webhook_endpoints/${ok.body.id}`)).status, 204);
    });

    test('with SLUICE_WEBHOOK_ALLOW_HTTP only, a loopback receiver is still refused', async () => {
      const httpOnly = await startTestApp(backend, { SLUICE_WEBHOOK_ALLOW_HTTP: '1' });
      try {
        const res = await httpOnly.call('POST', '/v1/webhook_endpoints', { url: receiver.url });
        assert.equal(res.status, 422);
        assert.equal(res.body.error, 'webhook_url_not_public');
      } finally {
        await httpOnly.close();
      }
    });

    test('checked again at delivery time: an endpoint whose host now resolves to loopback is refused, and nothing is sent', async () => {
      const { id: environmentId } = await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow();
      // Saved when the rules allowed it (or when its name resolved elsewhere); delivered under the strict rules.
      for (const url of [receiver.url, receiver.url.replace('127.0.0.1', 'localhost')]) {
        await insertEndpoint(t.store.db, { environmentId, url, description: null, enabledEvents: null, disabled: false, secret: generateSecret(), now: Date.now() });
      }
      const key = 'safety';
      assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
      assert.equal((await t.call('POST', '/v1/records/bulk', { records: [sampleRecord(key, 1)] })).status, 202);
      await t.drain();
      const strict = new Deliverer(t.store, { ...loadConfig({}).webhooks, allowHttp: true, retryScheduleMs: [] });
      await strict.drain();
      assert.equal(receiver.received.length, 0, 'nothing reached the loopback receiver');
      const attempts = await t.store.db.selectFrom('webhook_attempts').select(['url', 'error', 'status_code']).orderBy('id').execute();
      assert.equal(attempts.length, 2);
      for (const a of attempts) {
        assert.equal(a.status_code, null);
        assert.match(a.error ?? '', /^refused: .*(not a public address)/, a.url);
      }
      const statuses = await t.store.db.selectFrom('webhook_deliveries').select('status').execute();
      assert.deepEqual(statuses.map((s) => s.status), ['failed', 'failed']);
    });

    test('the OpenAPI document has every webhook route and a schema for every event type', async () => {
      const doc = JSON.parse((await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).body);
      const routes: Array<[string, string]> = [
        ['post', '/v1/webhook_endpoints'],
        ['get', '/v1/webhook_endpoints'],
        ['get', '/v1/webhook_endpoints/{id}'],
        ['patch', '/v1/webhook_endpoints/{id}'],
        ['delete', '/v1/webhook_endpoints/{id}'],
        ['post', '/v1/webhook_endpoints/{id}/rotate_secret'],
        ['get', '/v1/webhook_endpoints/{id}/deliveries'],
        ['post', '/v1/webhook_endpoints/{id}/test'],
        ['get', '/v1/events'],
        ['get', '/v1/events/{id}'],
        ['post', '/v1/events/{id}/redeliver'],
      ];
      for (const [method, path] of routes) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      assert.deepEqual(Object.keys(doc.webhooks).sort(), [...EVENT_TYPES].sort());
      for (const type of EVENT_TYPES) {
        const schema = doc.webhooks[type].post.requestBody.content['application/json'].schema;
        assert.deepEqual(schema.required, ['id', 'event_type', 'timestamp', 'data']);
        assert.equal(schema.properties.event_type.const, type);
        assert.ok(Object.keys(schema.properties.data.properties).length >= 5, `${type} data has the object's fields`);
      }
      assert.ok(doc.webhooks['bulk_request.completed'].post.requestBody.content['application/json'].schema.properties.data.properties.successful_items);
      assert.ok(doc.webhooks['import_batch.created'].post.requestBody.content['application/json'].schema.properties.data.properties.record_count);
    });
  });
}
