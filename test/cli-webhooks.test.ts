import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { sluice } from './support/processes.js';
import { startReceiver, verified, type Receiver } from './support/webhook-receiver.js';

// `sluice webhooks create|list|test` against a listening server, as an operator runs them; the test event
// it sends is verified by a real receiver with the secret the create command printed.

for (const backend of BACKENDS) {
  describe(`sluice webhooks [${backend}]`, { timeout: 120_000 }, () => {
    let t: TestApp;
    let receiver: Receiver;
    let env: Record<string, string>;

    before(async () => {
      t = await startTestApp(backend, { SLUICE_WEBHOOK_ALLOW_HTTP: '1', SLUICE_WEBHOOK_ALLOW_PRIVATE: '1' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      env = { SLUICE_URL: `http://127.0.0.1:${port}`, SLUICE_API_KEY: t.key };
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await t?.close();
    });

    const run = async (args: string[]) => {
      const child = sluice(args, env);
      const code = await child.exited;
      return { code, output: child.output() };
    };

    test('create prints the secret once, list shows the endpoint, test sends a signed event and says what the receiver answered', async () => {
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
    });
  });
}
