import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connect, type Store } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { bootstrapIfEmpty } from '../../src/keys/api-key.repository.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/backends.js';
import { tearDown } from '../support/faults.js';
import { sampleRecord, waitFor } from '../support/ingest.js';
import { sluice, type Child } from '../support/processes.js';
import { startReceiver, verified, type Receiver } from '../support/webhook-receiver.js';

// A `sluice worker` killed with -9 while a webhook is in flight: its claim on the delivery lapses, another
// worker sends the event again with the same webhook-id, and the receiver, verifying both with the
// `standardwebhooks` library, sees one event twice (at least once), never none.

const ENV = {
  SLUICE_WEBHOOK_ALLOW_HTTP: '1',
  SLUICE_WEBHOOK_ALLOW_PRIVATE: '1',
  // A claim lasts 2 x timeout + 1 s = 3 s.
  SLUICE_WEBHOOK_TIMEOUT_MS: '1000',
  SLUICE_WEBHOOK_POLL_MS: '50',
  SLUICE_POLL_MS: '100',
};

for (const backend of BACKENDS) {
  describe(`webhooks: worker killed mid-delivery [${backend}]`, { timeout: 120_000 }, () => {
    let database: TestDatabase;
    let store: Store;
    let app: FastifyInstance;
    let key: string;
    let receiver: Receiver;
    const children: Child[] = [];

    before(async () => {
      database = await createTestDatabase(backend);
      store = await connect(database.connectOptions);
      await migrateToLatest(store);
      key = (await bootstrapIfEmpty(store.db, undefined, Date.now()))!.key;
      app = await buildApp({ store, config: loadConfig(ENV) });
      receiver = await startReceiver();
    });
    after(async () => {
      await app?.close();
      await receiver?.close();
      await tearDown(children, store, database);
    });

    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload !== undefined ? { payload: payload as object } : {}) });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };

    const worker = () => {
      const child = sluice(['worker'], { ...database.env, ...ENV });
      children.push(child);
      return child;
    };

    test('the event is delivered by the next worker, with the same webhook-id and a valid signature', async () => {
      const endpoint = await call('POST', '/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['bulk_request.completed'] });
      assert.equal(endpoint.status, 201);
      const secret = endpoint.body.secret as string;
      assert.equal((await call('POST', '/v1/data_streams', { key: 'kill', name: 'kill' })).status, 201);
      const bulk = await call('POST', '/v1/records/bulk', { records: [sampleRecord('kill', 1), sampleRecord('kill', 2)] });
      assert.equal(bulk.status, 202);

      // The first attempt is received and never answered; the worker sending it dies meanwhile.
      receiver.plan('hang');
      const first = worker();
      await waitFor('the first attempt', async () => receiver.received.length >= 1, 60_000);
      first.kill('SIGKILL');
      assert.equal(await first.exited, 'SIGKILL');
      const inFlight = await store.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
      assert.equal(inFlight.status, 'delivering', 'the killed worker recorded no outcome');

      const second = worker();
      const delivered = await waitFor(
        'the delivery to succeed',
        async () => {
          const row = await store.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
          return row.status === 'succeeded' ? row : undefined;
        },
        60_000,
      );
      // The worker that delivered counts it on its own /metrics.
      const metricsUrl = /Metrics on (\S+)/.exec(second.output())?.[1];
      assert.ok(metricsUrl, second.output());
      const metrics = await (await fetch(metricsUrl)).text();
      assert.match(metrics, /^sluice_webhook_deliveries_total\{outcome="delivered"\} 1$/m);
      assert.match(metrics, /^sluice_webhook_queue_depth 0$/m);
      second.kill('SIGTERM');
      assert.equal(await second.exited, 0);

      assert.equal(receiver.received.length, 2);
      const [a, b] = receiver.received.map((r) => verified(secret, r));
      assert.equal(a!.id, b!.id);
      assert.equal(receiver.received[0]!.headers['webhook-id'], receiver.received[1]!.headers['webhook-id']);
      assert.equal(a!.event_type, 'bulk_request.completed');
      assert.equal(a!.data.id, bulk.body.id);
      assert.deepEqual(b, a);
      assert.equal(delivered.claims, 2, 'claimed by the killed worker, then by the next one after the lease lapsed');
      const attempts = await call('GET', `/v1/webhook_endpoints/${endpoint.body.id}/deliveries`);
      assert.deepEqual(attempts.body.data.map((x: { attempt: number; status_code: number }) => [x.attempt, x.status_code]), [[1, 200]]);
    });
  });
}
