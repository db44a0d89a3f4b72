import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { sampleRecord, waitFor } from './support/ingest.js';
import { serve, sluice, type Child, type Server } from './support/processes.js';
import { eventsOf, openSse, readUntil } from './support/sse.js';

// The API process has no worker (`serve --no-worker`); a `sluice worker` process commits the chunks. The
// events must still arrive: LISTEN/NOTIFY on PostgreSQL, the shared poll on SQLite. `sluice watch` follows
// the same stream.

const KEY = 'sk_test_live_events_processes_key_0001';
const COUNT = 1000;

for (const backend of BACKENDS) {
  describe(`live events from a worker in another process [${backend}]`, { timeout: 180_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    const children: Child[] = [];
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'x-api-key': KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: KEY, SLUICE_SSE_POLL_MS: '20', SLUICE_SSE_KEEPALIVE_MS: '200' }, ['--no-worker']);
    });
    after(async () => {
      for (const child of children) child.kill('SIGKILL');
      assert.equal(await server?.stop(), 0, "a graceful stop, open streams ended");
      await database?.drop();
    });

    test('the stream opened before the worker starts follows it to the end; sluice watch reads the same stream', async () => {
      assert.equal((await api('POST', '/v1/data_streams', { key: 'cross', name: 'Cross' })).status, 201);
      const records = Array.from({ length: COUNT }, (_, i) => sampleRecord('cross', i));
      const created = await api('POST', '/v1/records/bulk', { records });
      assert.equal(created.status, 202);
      const id = created.body.id as number;

      const conn = await openSse(`${server.url}/v1/bulk_requests/${id}/events`, { 'x-api-key': KEY });
      const list = await openSse(`${server.url}/v1/bulk_requests/events`, { 'x-api-key': KEY });
      assert.equal(conn.status, 200);
      const [first] = eventsOf(await readUntil(conn, (i) => i.kind === 'event'));
      assert.equal(first!.data.status, 'pending', 'nothing runs requests in the API process');

      const watch = sluice(['watch', String(id)], { SLUICE_URL: server.url, SLUICE_API_KEY: KEY });
      children.push(watch);
      children.push(sluice(['worker'], { ...database.env, SLUICE_CHUNK_SIZE: '10', SLUICE_POLL_MS: '50' }));

      const items = await conn.rest();
      const events = [first!, ...eventsOf(items)];
      for (let i = 1; i < events.length; i++) {
        assert.ok(Number(events[i]!.id) > Number(events[i - 1]!.id), 'ids grow');
        assert.ok(events[i]!.data.processed_items >= events[i - 1]!.data.processed_items, 'counters never go back');
      }
      assert.deepEqual(events.filter((e) => e.event !== 'progress').map((e) => e.event), ['completed'], 'one final event');
      assert.equal(events.at(-1)!.event, 'completed');
      assert.equal(events.at(-1)!.data.processed_items, COUNT);
      assert.equal(events.at(-1)!.data.successful_items, COUNT);

      const listed = eventsOf(await readUntil(list, (i) => i.kind === 'event' && i.data.id === id && i.data.status === 'completed'));
      list.close();
      assert.ok(listed.length >= 1);

      assert.equal(await watch.exited, 0, watch.output());
      assert.match(watch.output(), new RegExp(`Bulk request ${id}: completed`));
      // watch used the stream: the server counts a second finished answer of that route (this test's is the first).
      await waitFor('watch to be counted on the events route', async () => {
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        const line = metrics.split('\n').find((l) => l.startsWith('sluice_http_request_duration_seconds_count{method="GET",route="/v1/bulk_requests/:id/events",status="200"}'));
        return line !== undefined && Number(line.split(' ').at(-1)) >= 2;
      });
    });
  });
}
