import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { sampleRecord, waitFor } from './support/ingest.js';
import { serve, sluice, type Server } from './support/processes.js';
import { startReceiver, verified, type Receiver } from './support/webhook-receiver.js';

// `sluice webhooks create|list|test` against a real `sluice serve`, as an operator runs them; the test event
// it sends is verified by a real receiver with the secret the create command printed. Then the embedded
// worker (the engine thread of serve) delivers a real event, and serve's /metrics counts it.

const KEY = 'sk_test_webhooks_cli_0123456789abcdefgh';

for (const backend of BACKENDS) {
  describe(`sluice webhooks [${backend}]`, { timeout: 120_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let receiver: Receiver;
    let env: Record<string, string>;

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({
        ...database.env,
        SLUICE_BOOTSTRAP_KEY: KEY,
        SLUICE_WEBHOOK_ALLOW_HTTP: '1',
        SLUICE_WEBHOOK_ALLOW_PRIVATE: '1',
        SLUICE_WEBHOOK_POLL_MS: '50',
      });
      env = { SLUICE_URL: server.url, SLUICE_API_KEY: KEY };
      receiver = await startReceiver();
    });
    after(async () => {
      await server?.stop();
      await receiver?.close();
      await database?.drop();
    });

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: await res.json() };
    };

    const run = async (args: string[]) => {
      const child = sluice(args, env);
      const code = await child.exited;
      return { code, output: child.output() };
    };

    test('create prints the secret once, list shows the endpoint, test sends a signed event; serve delivers a real one and counts it', async () => {
      const created = await run(['webhooks', 'create', receiver.url, '--events', 'bulk_request.completed,bulk_request.failed', '--description', 'ops']);
      assert.equal(created.code, 0, created.output);
      const id = /Created webhook endpoint (\d+)/.exec(created.output)?.[1];
      const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.output)?.[0];
      assert.ok(id && secret, created.output);

      const listed = await run(['webhooks', 'list']);
      assert.equal(listed.code, 0, listed.output);
      assert.match(listed.output, new RegExp(`^${id}\\s+${receiver.url.replaceAll('.', '\\.')}\\s+bulk_request\\.completed,bulk_request\\.failed\\s+enabled`, 'm'));
      assert.ok(!listed.output.includes(secret.slice(6)), 'list never shows the secret');

      receiver.plan(200);
      const tested = await run(['webhooks', 'test', id]);
      assert.equal(tested.code, 0, tested.output);
      assert.match(tested.output, /Delivered: HTTP 200 in \d+ ms/);
      assert.equal(verified(secret, receiver.received[0]!).event_type, 'webhook_endpoint.test');

      receiver.plan(500);
      const failing = await run(['webhooks', 'test', id]);
      assert.equal(failing.code, 1);
      assert.match(failing.output, /Not delivered: HTTP 500/);

      const bad = await run(['webhooks', 'create', receiver.url, '--events', 'record.reconciled']);
      assert.equal(bad.code, 1);
      assert.match(bad.output, /--events takes a comma-separated list/);

      // A real event, delivered by serve's embedded worker.
      assert.equal((await api('POST', '/v1/data_streams', { key: 'cli', name: 'cli' })).status, 201);
      const bulk = await api('POST', '/v1/records/bulk', { records: [sampleRecord('cli', 1)] });
      assert.equal(bulk.status, 202);
      const got = await waitFor('the delivery', async () => receiver.received.slice(2).map((r) => verified(secret, r))[0], 60_000);
      assert.deepEqual([got.event_type, got.data.id, got.data.status], ['bulk_request.completed', bulk.body.id, 'completed']);
      const metrics = await waitFor('the count on /metrics', async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return /^sluice_webhook_deliveries_total\{outcome="delivered"\} 1$/m.test(text) ? text : undefined;
      });
      assert.match(metrics, /^sluice_webhook_queue_depth 0$/m);
    });
  });
}
