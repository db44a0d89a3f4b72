import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { cancelBulkRequest } from '../src/bulk/bulk-request.repository.js';
import { createMetrics } from '../src/metrics.js';
import { reportStuckRequests } from '../src/engine/sql/report-stuck.js';
import { Deliverer } from '../src/webhooks/delivery/deliverer.js';
import { emitBulkRequestEnded } from '../src/webhooks/emit.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { sampleRecord, waitFor } from './support/ingest.js';
import { startReceiver, verified, type Receiver } from './support/webhook-receiver.js';

// Webhooks end to end on both databases: changes made through the API and the engine, the outbox, a real
// HTTP receiver on 127.0.0.1 that verifies every signature with the `standardwebhooks` library, retries,
// timeouts, ordering, isolation between environments, rotation, redelivery, automatic disabling, metrics.

const ENV = {
  SLUICE_WEBHOOK_ALLOW_HTTP: '1',
  SLUICE_WEBHOOK_ALLOW_PRIVATE: '1',
  SLUICE_WEBHOOK_RETRY_SCHEDULE: '20ms,20ms,20ms,20ms,20ms',
  SLUICE_WEBHOOK_TIMEOUT_MS: '400',
  SLUICE_STUCK_AFTER_MS: '100',
};

for (const backend of BACKENDS) {
  describe(`webhooks [${backend}]`, { timeout: 120_000 }, () => {
    let t: TestApp;
    let deliverer: Deliverer;
    const receivers: Receiver[] = [];
    let n = 0;

    before(async () => {
      t = await startTestApp(backend, ENV);
      deliverer = new Deliverer(t.store, t.config.webhooks);
    });
    afterEach(async () => {
      // Each test starts with no endpoint: events of one test must not be sent to the receivers of another.
      for (const key of [t.key, t.otherKey]) {
        for (const e of (await t.call('GET', '/v1/webhook_endpoints?limit=200', undefined, { as: key })).body.data) {
          assert.equal((await t.call('DELETE', `/v1/webhook_endpoints/${e.id}`, undefined, { as: key })).status, 204);
        }
      }
      await Promise.all(receivers.splice(0).map((r) => r.close()));
    });
    after(async () => {
      await t?.close();
    });

    async function endpoint(body: Record<string, unknown> = {}, as = t.key) {
      const receiver = await startReceiver();
      receivers.push(receiver);
      const created = await t.call('POST', '/v1/webhook_endpoints', { url: receiver.url, ...body }, { as });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return { receiver, id: created.body.id as number, secret: created.body.secret as string, body: created.body };
    }

    /** Delivers what is due until `done` holds (retries are due 20 ms apart). */
    async function deliverUntil(what: string, done: () => boolean | Promise<boolean>, using = deliverer) {
      await waitFor(what, async () => {
        await using.drain();
        return await done();
      }, 20_000, 10);
    }

    async function stream() {
      const key = `wh-${++n}`;
      assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
      return key;
    }

    async function bulk(key: string, count = 2) {
      const created = await t.call('POST', '/v1/records/bulk', { records: Array.from({ length: count }, (_, i) => sampleRecord(key, i)) });
      assert.equal(created.status, 202);
      return created.body.id as number;
    }

    async function events(type: string, as = t.key) {
      return (await t.call('GET', `/v1/events?event_type=${type}&limit=200`, undefined, { as })).body.data as Array<{ id: string; data: any }>;
    }

    test('endpoints: the secret is shown once; list, get, patch, delete; another environment sees none of them', async () => {
      const { id, secret, body } = await endpoint({ description: 'ledger sync', enabled_events: ['bulk_request.completed'] });
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.deepEqual(body.enabled_events, ['bulk_request.completed']);
      const shown = await t.call('GET', `/v1/webhook_endpoints/${id}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.secret, undefined);
      assert.ok(!JSON.stringify(shown.body).includes(secret.slice(6)), 'the secret is never returned after creation');
      const listed = await t.call('GET', '/v1/webhook_endpoints');
      assert.deepEqual(listed.body.data.map((e: { id: number }) => e.id), [id]);
      assert.ok(!JSON.stringify(listed.body).includes(secret.slice(6)));
      const patched = await t.call('PATCH', `/v1/webhook_endpoints/${id}`, { enabled_events: ['*'], disabled: true, description: null });
      assert.equal(patched.status, 200);
      assert.deepEqual([patched.body.enabled_events, patched.body.disabled, patched.body.description], [['*'], true, null]);
      assert.equal((await t.call('GET', `/v1/webhook_endpoints/${id}`, undefined, { as: t.otherKey })).status, 404);
      assert.equal((await t.call('PATCH', `/v1/webhook_endpoints/${id}`, { disabled: false }, { as: t.otherKey })).status, 404);
      assert.equal((await t.call('DELETE', `/v1/webhook_endpoints/${id}`, undefined, { as: t.otherKey })).status, 404);
      assert.deepEqual((await t.call('GET', '/v1/webhook_endpoints', undefined, { as: t.otherKey })).body.data, []);
      const bad = await t.call('POST', '/v1/webhook_endpoints', { url: 'http://127.0.0.1:1/x', enabled_events: ['record.reconciled'] });
      assert.equal(bad.status, 422);
      assert.equal((await t.call('DELETE', `/v1/webhook_endpoints/${id}`)).status, 204);
      assert.equal((await t.call('GET', `/v1/webhook_endpoints/${id}`)).status, 404);
    });

    test('bulk_request.completed fires once, signed, with the bulk request as data; GET /v1/events lists and shows it', async () => {
      const { receiver, secret } = await endpoint();
      const key = await stream();
      const id = await bulk(key, 3);
      await t.drain();
      await deliverUntil('the delivery', () => receiver.received.length >= 1);
      await deliverer.drain();
      assert.equal(receiver.received.length, 1);
      const event = verified(secret, receiver.received[0]!);
      assert.equal(event.event_type, 'bulk_request.completed');
      assert.equal(receiver.received[0]!.headers['webhook-id'], event.id);
      assert.match(event.id, /^evt_\d+$/);
      assert.equal(event.data.id, id);
      assert.equal(event.data.status, 'completed');
      assert.equal(event.data.successful_items, 3);
      assert.equal(event.data.url, `/v1/bulk_requests/${id}`);
      const listed = (await events('bulk_request.completed')).filter((e) => e.data.id === id);
      assert.equal(listed.length, 1, 'one event for one change');
      const shown = await t.call('GET', `/v1/events/${event.id}`);
      assert.equal(shown.status, 200);
      assert.deepEqual({ id: shown.body.id, event_type: shown.body.event_type, timestamp: shown.body.timestamp, data: shown.body.data }, event);
      assert.equal(shown.body.deliveries.length, 1);
      assert.equal(shown.body.deliveries[0].status, 'succeeded');
      assert.equal((await t.call('GET', `/v1/events/${event.id}`, undefined, { as: t.otherKey })).status, 404);
      assert.equal((await t.call('GET', '/v1/events/nope')).status, 404);
    });

    test('bulk_request.cancelled fires once for a pending request cancelled, and once for a processing one at its chunk boundary', async () => {
      const { receiver, secret } = await endpoint({ enabled_events: ['bulk_request.cancelled'] });
      const key = await stream();
      const pending = await bulk(key);
      assert.equal((await t.call('POST', `/v1/bulk_requests/${pending}/cancel`)).status, 202);
      // A second cancel is refused (409): nothing changed, nothing is reported.
      assert.equal((await t.call('POST', `/v1/bulk_requests/${pending}/cancel`)).status, 409);
      const processing = await bulk(key);
      await t.store.db.updateTable('bulk_requests').set({ status: 'processing', claims: 1, lease_owner: 'gone', lease_expires_at: 0, started_at: Date.now() }).where('id', '=', processing).execute();
      assert.equal((await t.call('POST', `/v1/bulk_requests/${processing}/cancel`)).status, 202);
      await t.drain();
      assert.equal((await t.call('GET', `/v1/bulk_requests/${processing}`)).body.status, 'cancelled');
      await deliverUntil('both deliveries', () => receiver.received.length >= 2);
      await deliverer.drain();
      const ids = receiver.received.map((r) => verified(secret, r)).map((e) => [e.event_type, e.data.id, e.data.status]);
      assert.deepEqual(ids, [
        ['bulk_request.cancelled', pending, 'cancelled'],
        ['bulk_request.cancelled', processing, 'cancelled'],
      ]);
    });

    test('bulk_request.failed fires once for a file that cannot be used; import_batch.created once for an upload that creates records', async () => {
      const { receiver, secret } = await endpoint({ enabled_events: ['bulk_request.failed', 'import_batch.created', 'bulk_request.completed'] });
      const key = await stream();
      const upload = (csv: string) =>
        t.app.inject({ method: 'POST', url: `/v1/data_streams/${key}/uploads`, headers: { 'x-api-key': t.key, 'content-type': 'text/csv' }, payload: csv });
      const rejected = await upload('not,the,columns\n1,2,3\n');
      assert.equal(rejected.statusCode, 202);
      const rejectedId = JSON.parse(rejected.body).id as number;
      assert.equal((await t.call('GET', `/v1/bulk_requests/${rejectedId}`)).body.status, 'failed');
      const good = await upload('date,amount,direction,external_id\n2026-01-02,10.00,credit,a\n2026-01-03,2.50,debit,b\n');
      const goodId = JSON.parse(good.body).id as number;
      await t.drain();
      await deliverUntil('three deliveries', () => receiver.received.length >= 3);
      await deliverer.drain();
      const got = receiver.received.map((r) => verified(secret, r));
      assert.deepEqual(got.map((e) => e.event_type), ['bulk_request.failed', 'import_batch.created', 'bulk_request.completed']);
      assert.equal(got[0]!.data.id, rejectedId);
      assert.equal(got[0]!.data.error_details.kind, 'file_rejected');
      const batch = got[1]!.data;
      assert.equal(batch.bulk_request_id, goodId);
      assert.equal(batch.record_count, 2);
      assert.equal(batch.total_credits, 1000);
      assert.equal(batch.total_debits, 250);
      assert.deepEqual((await t.call('GET', `/v1/import_batches/${batch.id}`)).body, batch);
      assert.equal(got[2]!.data.id, goodId);
      assert.equal((await events('import_batch.created')).filter((e) => e.data.bulk_request_id === goodId).length, 1);
    });

    test('bulk_request.failed fires once for a request its workers gave up on, and for an upload abandoned mid-file', async () => {
      const { receiver, secret } = await endpoint({ enabled_events: ['bulk_request.failed'] });
      const key = await stream();
      const poisoned = await bulk(key);
      await t.store.db.updateTable('bulk_requests').set({ claims: t.config.engine.maxClaims + 3 }).where('id', '=', poisoned).execute();
      const abandoned = await bulk(key);
      await t.store.db.updateTable('bulk_requests').set({ parsing: 1, created_at: Date.now() - 10 * t.config.engine.leaseMs }).where('id', '=', abandoned).execute();
      await t.drain();
      await t.drain();
      await deliverUntil('both deliveries', () => receiver.received.length >= 2);
      await deliverer.drain();
      const got = receiver.received.map((r) => verified(secret, r));
      assert.deepEqual(got.map((e) => [e.event_type, e.data.id, e.data.status]).sort((a, b) => Number(a[1]) - Number(b[1])), [
        ['bulk_request.failed', poisoned, 'failed'],
        ['bulk_request.failed', abandoned, 'failed'],
      ]);
      assert.equal(got.find((e) => e.data.id === poisoned)!.data.error_details.code, 'worker_gave_up');
      assert.equal(got.find((e) => e.data.id === abandoned)!.data.error_details.kind, 'upload_interrupted');
    });

    test('data_stream.operation.completed fires once when a reset completes', async () => {
      const { receiver, secret } = await endpoint({ enabled_events: ['data_stream.operation.completed'] });
      const key = await stream();
      await bulk(key);
      await t.drain();
      const reset = await t.call('POST', `/v1/data_streams/${key}/reset`);
      assert.equal(reset.status, 202);
      await t.drain();
      await deliverUntil('the delivery', () => receiver.received.length >= 1);
      await deliverer.drain();
      assert.equal(receiver.received.length, 1);
      const event = verified(secret, receiver.received[0]!);
      assert.equal(event.event_type, 'data_stream.operation.completed');
      assert.equal(event.data.id, reset.body.id);
      assert.equal(event.data.kind, 'reset');
      assert.equal(event.data.status, 'completed');
      assert.equal(event.data.data_stream_key, key);
    });

    test('bulk_request.stuck fires once per stuck episode', async () => {
      const { receiver, secret } = await endpoint({ enabled_events: ['bulk_request.stuck'] });
      const key = await stream();
      const id = await bulk(key);
      const stall = (at: number) =>
        t.store.db.updateTable('bulk_requests').set({ status: 'processing', claims: 1, lease_owner: 'paused', lease_expires_at: Date.now() + 600_000, started_at: at, last_progress_at: at }).where('id', '=', id).execute();
      await stall(Date.now() - 10_000);
      const stuckAfter = t.config.engine.stuckAfterMs;
      assert.deepEqual(await reportStuckRequests(t.store.db, Date.now(), stuckAfter), [id]);
      assert.deepEqual(await reportStuckRequests(t.store.db, Date.now(), stuckAfter), [], 'the same episode is reported once');
      // Progress again (a heartbeat), then a second stall: a new episode.
      await stall(Date.now() - 5_000);
      assert.deepEqual(await reportStuckRequests(t.store.db, Date.now(), stuckAfter), [id]);
      assert.deepEqual(await reportStuckRequests(t.store.db, Date.now(), stuckAfter), []);
      await deliverUntil('both deliveries', () => receiver.received.length >= 2);
      const got = receiver.received.map((r) => verified(secret, r));
      assert.deepEqual(got.map((e) => [e.event_type, e.data.id, e.data.stuck, e.data.status]), [
        ['bulk_request.stuck', id, true, 'processing'],
        ['bulk_request.stuck', id, true, 'processing'],
      ]);
      // The worker's own sweep finds nothing more to report.
      await t.store.db.updateTable('bulk_requests').set({ lease_expires_at: 0 }).where('id', '=', id).execute();
      await t.drain();
      assert.equal((await t.call('GET', `/v1/bulk_requests/${id}`)).body.status, 'completed');
      assert.equal((await events('bulk_request.stuck')).filter((e) => e.data.id === id).length, 2);
    });

    test('a receiver answering 500 three times is retried until it succeeds, with the same webhook-id, every attempt signed', async () => {
      const { id: endpointId, receiver, secret } = await endpoint();
      receiver.plan(500, { status: 500, body: 'bad\u0000byte \xff' }, { status: 500, body: 'x'.repeat(10_000) });
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('four attempts', () => receiver.received.length >= 4);
      await deliverer.drain();
      assert.equal(receiver.received.length, 4);
      const got = receiver.received.map((r) => verified(secret, r));
      assert.equal(new Set(got.map((e) => e.id)).size, 1, 'one event');
      assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1, 'the same webhook-id on every attempt');
      const attempts = (await t.call('GET', `/v1/webhook_endpoints/${endpointId}/deliveries`)).body.data.reverse();
      assert.deepEqual(attempts.map((a: any) => [a.attempt, a.status_code, a.event_id]), [
        [1, 500, got[0]!.id],
        [2, 500, got[0]!.id],
        [3, 500, got[0]!.id],
        [4, 200, got[0]!.id],
      ]);
      assert.equal(attempts[2].response_excerpt.length, 4096, 'the response body is kept only to 4 KiB');
      assert.equal(attempts[1].response_excerpt, 'bad\uFFFDbyte \u00ff', 'a NUL in a response is kept as U+FFFD (PostgreSQL text holds no NUL)');
      assert.equal(attempts[3].response_excerpt, 'ok');
      assert.ok(attempts.every((a: any) => a.delivery_status === 'succeeded' && Number.isInteger(a.duration_ms)));
      assert.equal(attempts[0].error, null);
    });

    test('a receiver that hangs is timed out, and the event is sent again', async () => {
      const { id: endpointId, receiver, secret } = await endpoint();
      receiver.plan('hang');
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('a second attempt', () => receiver.received.length >= 2);
      await deliverer.drain();
      const attempts = (await t.call('GET', `/v1/webhook_endpoints/${endpointId}/deliveries`)).body.data.reverse();
      assert.equal(attempts.length, 2);
      assert.equal(attempts[0].status_code, null);
      assert.match(attempts[0].error, /^timeout/);
      assert.ok(attempts[0].duration_ms >= 400);
      assert.equal(attempts[1].status_code, 200);
      assert.equal(verified(secret, receiver.received[0]!).id, verified(secret, receiver.received[1]!).id);
    });

    test('redirects are not followed', async () => {
      const target = await startReceiver('/elsewhere');
      receivers.push(target);
      const { id: endpointId, receiver } = await endpoint();
      receiver.plan({ status: 302, headers: { location: target.url } });
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('a second attempt', () => receiver.received.length >= 2);
      const attempts = (await t.call('GET', `/v1/webhook_endpoints/${endpointId}/deliveries`)).body.data.reverse();
      assert.equal(attempts[0].status_code, 302);
      assert.match(attempts[0].error, /redirect .* not followed/);
      assert.equal(target.received.length, 0);
    });

    test('per endpoint, events are attempted in the order they happened', async () => {
      const { receiver, secret } = await endpoint();
      receiver.plan(500, 500);
      const key = await stream();
      const first = await bulk(key);
      const second = await bulk(key);
      await t.drain();
      await deliverUntil('both events', () => receiver.received.length >= 4);
      await deliverer.drain();
      const order = receiver.received.map((r) => verified(secret, r).data.id);
      assert.deepEqual(order, [first, first, first, second], 'the second waits until the first is delivered');
    });

    test('an endpoint of another environment never receives an event', async () => {
      const mine = await endpoint();
      const theirs = await endpoint({}, t.otherKey);
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('the delivery', () => mine.receiver.received.length >= 1);
      await deliverer.drain();
      assert.equal(verified(mine.secret, mine.receiver.received[0]!).event_type, 'bulk_request.completed');
      assert.equal(theirs.receiver.received.length, 0);
      assert.deepEqual((await t.call('GET', `/v1/webhook_endpoints/${theirs.id}/deliveries`, undefined, { as: t.otherKey })).body.data, []);
      assert.deepEqual(await events('bulk_request.completed', t.otherKey), []);
    });

    test('a rolled-back change emits nothing', async () => {
      const { receiver } = await endpoint();
      const key = await stream();
      const id = await bulk(key);
      const environmentId = (await t.store.db.selectFrom('bulk_requests').select('environment_id').where('id', '=', id).executeTakeFirstOrThrow()).environment_id;
      const before = (await events('bulk_request.cancelled')).length;
      await assert.rejects(
        t.store.db.transaction().execute(async (trx) => {
          const row = await cancelBulkRequest(trx, t.store.caps, environmentId, id, Date.now());
          assert.equal(row.status, 'cancelled');
          await emitBulkRequestEnded(trx, id, Date.now());
          throw new Error('the change fails after its event was written');
        }),
        /the change fails/,
      );
      assert.equal((await t.call('GET', `/v1/bulk_requests/${id}`)).body.status, 'pending');
      assert.equal((await events('bulk_request.cancelled')).length, before);
      assert.equal(await t.store.db.selectFrom('webhook_deliveries').select('id').executeTakeFirst(), undefined);
      await deliverer.drain();
      assert.equal(receiver.received.length, 0);
      await t.drain();
    });

    test('rotate_secret: the old secret keeps signing beside the new one', async () => {
      const { id, receiver, secret: old } = await endpoint();
      const rotated = await t.call('POST', `/v1/webhook_endpoints/${id}/rotate_secret`);
      assert.equal(rotated.status, 200);
      const fresh = rotated.body.secret as string;
      assert.notEqual(fresh, old);
      assert.ok(Date.parse(rotated.body.previous_secret_expires_at) > Date.now() + 23 * 3_600_000);
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('the delivery', () => receiver.received.length >= 1);
      const r = receiver.received[0]!;
      assert.equal(r.headers['webhook-signature']!.split(' ').length, 2);
      assert.equal(verified(fresh, r).event_type, 'bulk_request.completed');
      assert.equal(verified(old, r).event_type, 'bulk_request.completed');
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(r.body, r.headers));
    });

    test('redeliver sends the event again with the same webhook-id', async () => {
      const { id: endpointId, receiver, secret } = await endpoint();
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('the delivery', () => receiver.received.length >= 1);
      const eventId = verified(secret, receiver.received[0]!).id;
      const again = await t.call('POST', `/v1/events/${eventId}/redeliver`, { webhook_endpoint_id: endpointId });
      assert.equal(again.status, 202);
      assert.equal(again.body.deliveries.length, 1);
      await deliverUntil('the redelivery', () => receiver.received.length >= 2);
      assert.equal(verified(secret, receiver.received[1]!).id, eventId);
      assert.equal((await t.call('GET', `/v1/events/${eventId}`)).body.deliveries.length, 2);
      assert.equal((await t.call('POST', `/v1/events/${eventId}/redeliver`, {}, { as: t.otherKey })).status, 404);
    });

    test('an endpoint failing for longer than SLUICE_WEBHOOK_DISABLE_AFTER_MS is disabled and says why; re-enabled, it gets what waited', async () => {
      const { id, receiver, secret } = await endpoint();
      receiver.plan(503, 503, 503);
      const strict = new Deliverer(t.store, { ...t.config.webhooks, disableAfterMs: 30 });
      const key = await stream();
      await bulk(key);
      await t.drain();
      await deliverUntil('the endpoint disabled', async () => (await t.call('GET', `/v1/webhook_endpoints/${id}`)).body.disabled === true, strict);
      const shown = (await t.call('GET', `/v1/webhook_endpoints/${id}`)).body;
      assert.match(shown.disabled_reason, /Disabled automatically: every delivery attempt failed for 30 ms \(the last one: HTTP 503\)/);
      const seen = receiver.received.length;
      await strict.drain();
      assert.equal(receiver.received.length, seen, 'a disabled endpoint is sent nothing');
      const enabled = await t.call('PATCH', `/v1/webhook_endpoints/${id}`, { disabled: false });
      assert.deepEqual([enabled.body.disabled, enabled.body.disabled_reason, enabled.body.failing_since], [false, null, null]);
      await deliverUntil('the waiting delivery', () => receiver.received.some((r, i) => i >= seen && verified(secret, r).event_type === 'bulk_request.completed'));
    });

    test('metrics: deliveries by outcome, queue depth and the oldest undelivered event age on /metrics', async () => {
      const { receiver } = await endpoint();
      receiver.plan(500);
      const key = await stream();
      await bulk(key);
      await t.drain();
      const scrape = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      const waiting = await scrape();
      assert.match(waiting, /^sluice_webhook_queue_depth 1$/m);
      assert.match(waiting, /^sluice_webhook_oldest_undelivered_age_seconds (\d+(\.\d+)?)$/m);
      const metrics = createMetrics();
      const counted = new Deliverer(t.store, t.config.webhooks, { metrics });
      await deliverUntil('the delivery', () => receiver.received.length >= 2, counted);
      const text = await metrics.registry.metrics();
      assert.match(text, /^sluice_webhook_deliveries_total\{outcome="retry"\} 1$/m);
      assert.match(text, /^sluice_webhook_deliveries_total\{outcome="delivered"\} 1$/m);
      const done = await scrape();
      assert.match(done, /^sluice_webhook_queue_depth 0$/m);
      assert.match(done, /^sluice_webhook_oldest_undelivered_age_seconds 0$/m);
    });

    test('POST /webhook_endpoints/{id}/test sends one signed test event at once', async () => {
      const { id, receiver, secret } = await endpoint();
      const tested = await t.call('POST', `/v1/webhook_endpoints/${id}/test`);
      assert.equal(tested.status, 200);
      assert.equal(tested.body.delivered, true);
      assert.equal(tested.body.status_code, 200);
      const event = verified(secret, receiver.received[0]!);
      assert.equal(event.event_type, 'webhook_endpoint.test');
      assert.equal(event.id, tested.body.webhook_id);
    });
  });
}
