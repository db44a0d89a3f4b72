import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Deliverer } from '../src/webhooks/delivery/deliverer.js';
import { generateSecret, signedHeaders } from '../src/webhooks/signing.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { sampleRecord, waitFor } from './support/ingest.js';
import { REPO_ROOT } from './support/shared.js';

// The receiver of docs/webhooks.md (examples/webhook-receiver.mjs) as a user runs it: it accepts what Sluice
// delivers, each event once even when delivered twice, and refuses a body that was not signed with its secret.

function startExample(secret: string) {
  const proc = spawn(process.execPath, [resolve(REPO_ROOT, 'examples/webhook-receiver.mjs')], {
    env: { ...process.env, SLUICE_WEBHOOK_SECRET: secret, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { proc, output: () => output };
}

for (const backend of BACKENDS) {
  describe(`the example webhook receiver [${backend}]`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let example: ReturnType<typeof startExample>;
    let url: string;

    before(async () => {
      t = await startTestApp(backend, { SLUICE_WEBHOOK_ALLOW_HTTP: '1', SLUICE_WEBHOOK_ALLOW_PRIVATE: '1' });
    });
    after(async () => {
      example?.proc.kill('SIGKILL');
      await t?.close();
    });

    test('verifies and acknowledges a delivery, handles a redelivery once, refuses a forged one', async () => {
      // The secret is Sluice's: create the endpoint first with a placeholder URL, then point it at the receiver.
      const created = await t.call('POST', '/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/placeholder' });
      example = startExample(created.body.secret);
      url = (await waitFor('the example to listen', async () => /Listening on (\S+)/.exec(example.output())?.[1]))!;
      assert.equal((await t.call('PATCH', `/v1/webhook_endpoints/${created.body.id}`, { url: `${url}/hooks` })).status, 200);

      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'ex', name: 'ex' })).status, 201);
      const bulk = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('ex', 1)] });
      await t.drain();
      const deliverer = new Deliverer(t.store, t.config.webhooks);
      await deliverer.drain();
      const event = (await t.call('GET', '/v1/events')).body.data[0];
      assert.equal((await t.call('POST', `/v1/events/${event.id}/redeliver`)).status, 202);
      await deliverer.drain();
      const shown = await t.call('GET', `/v1/events/${event.id}`);
      assert.deepEqual(shown.body.deliveries.map((d: { status: string }) => d.status), ['succeeded', 'succeeded']);
      await waitFor('the example to log the event', async () => example.output().includes(`bulk_request.completed ${event.id}: ${bulk.body.id} completed`));
      assert.equal(example.output().split(event.id).length - 1, 1, 'handled once though delivered twice');

      const body = JSON.stringify({ id: 'evt_999999', event_type: 'bulk_request.completed', timestamp: new Date().toISOString(), data: { id: 1 } });
      const forged = await fetch(`${url}/hooks`, { method: 'POST', body, headers: { ...signedHeaders('evt_999999', new Date(), body, [generateSecret()]) } });
      assert.equal(forged.status, 400);
      const genuine = signedHeaders('evt_999999', new Date(), body, [created.body.secret]);
      const tampered = await fetch(`${url}/hooks`, { method: 'POST', body: body.replace('"id":1', '"id":2'), headers: { ...genuine } });
      assert.equal(tampered.status, 400);
      assert.equal((await fetch(`${url}/hooks`, { method: 'POST', body, headers: { ...genuine } })).status, 204);
    });
  });
}
