import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/backends.js';
import { serve, type Server } from '../support/processes.js';
import { startReceiver, verified, type Receiver } from '../support/webhook-receiver.js';

// Issue 14 item 4: a webhook signing secret is shown once (the create and rotate answers) and never again:
// not in a later API answer (list, get, patch, events, deliveries, test) and not in a real `sluice serve`'s
// log at its most verbose level (LOG_LEVEL=trace), through creating, rotating and delivering signed events.

const KEY = 'sk_test_webhook_secrets_log_0001';
const servers: Server[] = [];
const databases: TestDatabase[] = [];
const receivers: Receiver[] = [];
after(async () => {
  for (const server of servers) server.kill('SIGKILL');
  await Promise.all(receivers.map((r) => r.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

/** Every form a secret could be logged in: whole, its base64 key alone, and that key's bytes as hex. */
function forms(secret: string): string[] {
  const b64 = secret.replace(/^whsec_/, '');
  return [secret, b64, Buffer.from(b64, 'base64').toString('hex')];
}

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the receiver got nothing in 60 s');
}

for (const backend of BACKENDS) {
  describe(`webhook signing secrets are never logged nor answered again [${backend}]`, () => {
    test('create, rotate, deliver, test: the log and every later answer hold neither secret', async () => {
      const database = await createTestDatabase(backend);
      databases.push(database);
      const receiver = await startReceiver();
      receivers.push(receiver);
      const { DATABASE_URL, SLUICE_DATA_DIR, ...env } = process.env;
      void DATABASE_URL;
      void SLUICE_DATA_DIR;
      const server = await serve({
        ...(env as Record<string, string>),
        ...database.env,
        LOG_LEVEL: 'trace',
        SLUICE_BOOTSTRAP_KEY: KEY,
        SLUICE_WEBHOOK_ALLOW_HTTP: '1',
        SLUICE_WEBHOOK_ALLOW_PRIVATE: '1',
        SLUICE_WEBHOOK_POLL_MS: '100',
      });
      servers.push(server);

      /** Answers after a secret was shown, each kept to be searched for it. */
      const later: Array<[string, string]> = [];
      const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { 'x-api-key': KEY, ...(body !== undefined ? { 'content-type': contentType } : {}) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await res.text();
        assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
        return { status: res.status, text, json: text ? (JSON.parse(text) as any) : null };
      };
      const answer = async (method: string, path: string, body?: unknown, contentType?: string) => {
        const res = await call(method, path, body, contentType);
        later.push([`${method} ${path}`, res.text]);
        return res;
      };

      assert.equal((await call('POST', '/v1/data_streams', { key: 'hooks', name: 'hooks' })).status, 201);
      const created = await call('POST', '/v1/webhook_endpoints', { url: receiver.url, description: 'secrets' });
      assert.equal(created.status, 201);
      const first = created.json.secret as string;
      assert.match(first, /^whsec_/);
      const id = created.json.id as number;

      // Delivered with the first secret: an upload's bulk_request.completed.
      const upload = await call('POST', '/v1/data_streams/hooks/uploads', 'date,amount,description\n2026-01-02,1.00,a\n', 'text/csv');
      assert.equal(upload.status, 202);
      const completed = await until(() => receiver.received.find((r) => r.body.includes('"bulk_request.completed"')));
      assert.equal(verified(first, completed).data.id, upload.json.id);

      await answer('GET', '/v1/webhook_endpoints');
      await answer('GET', `/v1/webhook_endpoints/${id}`);
      await answer('PATCH', `/v1/webhook_endpoints/${id}`, { description: 'still secret' });
      await answer('POST', `/v1/webhook_endpoints/${id}/test`);

      const rotation = await call('POST', `/v1/webhook_endpoints/${id}/rotate_secret`);
      assert.equal(rotation.status, 200);
      const second = rotation.json.secret as string;
      assert.notEqual(second, first);
      assert.ok(!rotation.text.includes(first.slice(6)), 'the rotate answer holds the old secret');

      // Signed with both during the overlap, by a delivery and by a test event.
      const before = receiver.received.length;
      const upload2 = await call('POST', '/v1/data_streams/hooks/uploads', 'date,amount,description\n2026-01-03,2.00,b\n', 'text/csv');
      const completed2 = await until(() => receiver.received.slice(before).find((r) => r.body.includes('"bulk_request.completed"')));
      assert.equal(verified(second, completed2).data.id, upload2.json.id);
      assert.equal(verified(first, completed2).data.id, upload2.json.id);
      const tested = await answer('POST', `/v1/webhook_endpoints/${id}/test`);
      assert.equal(tested.json.delivered, true);

      await answer('GET', '/v1/webhook_endpoints');
      await answer('GET', `/v1/webhook_endpoints/${id}`);
      await answer('PATCH', `/v1/webhook_endpoints/${id}`, { disabled: true });
      await answer('PATCH', `/v1/webhook_endpoints/${id}`, { disabled: false, enabled_events: ['bulk_request.completed'] });
      const deliveries = await answer('GET', `/v1/webhook_endpoints/${id}/deliveries`);
      assert.ok(deliveries.json.data.length >= 2);
      const events = await answer('GET', '/v1/events');
      assert.ok(events.json.data.length >= 2);
      for (const e of events.json.data as Array<{ id: string }>) {
        await answer('GET', `/v1/events/${e.id}`);
      }
      await answer('POST', `/v1/events/${events.json.data[0].id}/redeliver`, {});
      await answer('GET', '/v1/openapi.json');

      assert.equal(await server.stop(), 0);
      const log = server.output();
      assert.match(log, /webhook_endpoints/, 'the webhook requests were logged');
      for (const secret of [first, second]) {
        for (const form of forms(secret)) {
          const line = log.split('\n').find((l) => l.includes(form));
          assert.equal(line, undefined, `a signing secret is in the log: ${line?.replaceAll(form, '<secret>').slice(0, 400)}`);
          for (const [what, body] of later) assert.ok(!body.includes(form), `${what} answers with a signing secret`);
        }
      }
    });
  });
}
