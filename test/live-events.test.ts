import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Worker } from '../src/engine/worker.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { sampleRecord, waitFor } from './support/ingest.js';
import { pauseAfter } from './support/pause.js';
import { eventsOf, openSse, readUntil, type SseItem } from './support/sse.js';

// The live event streams (docs/live-updates.md) over real HTTP on a listening server, with the worker in
// this process so that each chunk can be held until the client has seen it. test/live-events-processes.test.ts
// drives them from a worker in another process.

const ENV = { SLUICE_CHUNK_SIZE: '10', SLUICE_SSE_KEEPALIVE_MS: '100', SLUICE_SSE_POLL_MS: '20' };

type Event = Extract<SseItem, { kind: 'event' }>;

/**
 * The test's fetch client leaves a keep-alive connection open that the server does not count as idle: the
 * server would wait out its 72 s keep-alive timeout before closing. Streams end in preClose either way.
 */
async function closeListening(t: TestApp) {
  const closing = t.app.close();
  t.app.server.closeAllConnections();
  await closing;
  await t.close();
}

function assertOrdered(events: Event[]) {
  for (let i = 1; i < events.length; i++) {
    const [a, b] = [events[i - 1]!, events[i]!];
    assert.ok(Number(b.id) > Number(a.id), `ids grow: ${a.id} then ${b.id}`);
    for (const counter of ['processed_items', 'successful_items', 'failed_items', 'skipped_items']) {
      assert.ok(b.data[counter] >= a.data[counter], `${counter} never goes back (${a.data[counter]} then ${b.data[counter]})`);
    }
  }
}

for (const backend of BACKENDS) {
  describe(`live events [${backend}]`, { timeout: 120_000 }, () => {
    let t: TestApp;
    let base: string;
    const auth = (key = t.key) => ({ 'x-api-key': key });

    async function postRecords(count: number, key = t.key, stream = 'live'): Promise<number> {
      const records = Array.from({ length: count }, (_, i) => sampleRecord(stream, i, { external_id: `${stream}-${Date.now()}-${Math.random()}-${i}` }));
      const res = await t.call('POST', '/v1/records/bulk', { records }, { as: key });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body.id as number;
    }

    before(async () => {
      t = await startTestApp(backend, ENV);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'live', name: 'Live' })).status, 201);
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'live', name: 'Live' }, { as: t.otherKey })).status, 201);
    });
    after(async () => {
      await closeListening(t);
    });

    test('one progress event per committed chunk, counters never go back, then one completed event and the end', async () => {
      const id = await postRecords(55);
      const conn = await openSse(`${base}/v1/bulk_requests/${id}/events`, auth());
      assert.equal(conn.status, 200);
      assert.match(conn.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(conn.headers.get('cache-control'), 'no-store');
      const seen: SseItem[] = [];
      const reading = (async () => {
        for (let item = await conn.next(); item; item = await conn.next()) seen.push(item);
      })();
      // Each chunk waits until the client has its event: one event per chunk is then what must arrive.
      const worker = new Worker(t.store, t.config.engine, {
        afterChunk: async (_id, processed) => {
          await waitFor(`the event of chunk ending at ${processed}`, async () => eventsOf(seen).some((e) => e.data.processed_items >= processed), 30_000, 5);
        },
      });
      await worker.drain();
      await reading;
      const events = eventsOf(seen);
      assert.equal(events[0]!.event, 'progress');
      assert.equal(events[0]!.data.status, 'pending', 'the first event is the state at connection');
      assert.equal(events[0]!.data.id, id);
      assertOrdered(events);
      const final = events.filter((e) => e.event !== 'progress');
      assert.deepEqual(final.map((e) => e.event), ['completed'], 'exactly one final event');
      assert.equal(events[events.length - 1]!.event, 'completed', 'the final event is the last one');
      assert.equal(final[0]!.data.processed_items, 55);
      assert.equal(final[0]!.data.successful_items, 55);
      assert.equal(final[0]!.data.progress, 100);
      const chunks = events.filter((e) => e.event === 'progress' && e.data.processed_items > 0).map((e) => e.data.processed_items);
      assert.deepEqual(chunks, [10, 20, 30, 40, 50], 'one progress event per committed chunk (the sixth completes it)');
      // The data is the request as the API shows it, without results.
      const shown = await t.call('GET', `/v1/bulk_requests/${id}`);
      const { results: _results, ...withoutResults } = shown.body;
      assert.deepEqual({ ...final[0]!.data, stuck: false }, { ...withoutResults, stuck: false });
    });

    test('Last-Event-ID resumes with later events only; the final id gives an empty stream', async () => {
      const id = await postRecords(30);
      const pause = pauseAfter(2);
      const worker = new Worker(t.store, t.config.engine, { afterChunk: pause.afterChunk });
      const draining = worker.drain();
      await pause.paused;

      const first = await openSse(`${base}/v1/bulk_requests/${id}/events`, auth());
      const [current] = eventsOf(await readUntil(first, (i) => i.kind === 'event'));
      first.close();
      assert.equal(current!.data.processed_items, 20);
      assert.equal(current!.data.status, 'processing');

      const resumed = await openSse(`${base}/v1/bulk_requests/${id}/events`, { ...auth(), 'last-event-id': current!.id! });
      assert.equal(resumed.status, 200);
      const rest = resumed.rest();
      pause.release();
      await draining;
      const later = eventsOf(await rest);
      assert.ok(later.length >= 1);
      for (const e of later) {
        assert.ok(Number(e.id) > Number(current!.id), `only later events (${e.id} after ${current!.id})`);
        assert.ok(e.data.processed_items > 20, 'nothing already seen is sent again');
      }
      assert.deepEqual(later.filter((e) => e.event !== 'progress').map((e) => e.event), ['completed'], 'one final event');
      assert.equal(later.at(-1)!.event, 'completed');
      assert.equal(later.at(-1)!.data.processed_items, 30);
      const finalId = later[later.length - 1]!.id!;

      const afterEnd = await openSse(`${base}/v1/bulk_requests/${id}/events`, { ...auth(), 'last-event-id': finalId });
      assert.equal(afterEnd.status, 200);
      assert.deepEqual(eventsOf(await afterEnd.rest()), [], 'resuming after the final event: nothing more, and the stream ends');

      const fresh = await openSse(`${base}/v1/bulk_requests/${id}/events`, auth());
      const replay = eventsOf(await fresh.rest());
      assert.deepEqual(replay.map((e) => [e.event, e.id]), [['completed', finalId]], 'a finished request: its final event, then the end');

      const bad = await openSse(`${base}/v1/bulk_requests/${id}/events`, { ...auth(), 'last-event-id': 'yesterday' });
      assert.equal(bad.status, 422);
      assert.equal(bad.error.error, 'invalid_last_event_id');
    });

    test("another environment's id, an unknown id and a missing key: the catalogue's answers, never a stream", async () => {
      const id = await postRecords(3);
      const foreign = await openSse(`${base}/v1/bulk_requests/${id}/events`, auth(t.otherKey));
      assert.equal(foreign.status, 404);
      assert.equal(foreign.error.error, 'bulk_request_not_found');
      const unknown = await openSse(`${base}/v1/bulk_requests/987654321/events`, auth());
      assert.equal(unknown.status, 404);
      assert.equal(unknown.error.error, 'bulk_request_not_found');
      const notAnId = await openSse(`${base}/v1/bulk_requests/abc/events`, auth());
      assert.equal(notAnId.status, 404);
      assert.equal(notAnId.error.error, 'bulk_request_not_found');
      const anonymous = await openSse(`${base}/v1/bulk_requests/${id}/events`, {});
      assert.equal(anonymous.status, 401);
      // A key in the query string is not a key.
      const inQuery = await openSse(`${base}/v1/bulk_requests/${id}/events?api_key=${encodeURIComponent(t.key)}&x-api-key=${encodeURIComponent(t.key)}`, {});
      assert.equal(inQuery.status, 401);
      await t.drain();
    });

    test('a keep-alive comment arrives while nothing happens', async () => {
      const id = await postRecords(2);
      const conn = await openSse(`${base}/v1/bulk_requests/${id}/events`, auth());
      const items = await readUntil(conn, (i) => i.kind === 'comment');
      conn.close();
      assert.deepEqual(items.at(-1), { kind: 'comment', text: 'keep-alive' });
      assert.equal(eventsOf(items).length, 1, 'only the state at connection: the request has not moved');
      await t.drain();
    });

    test("the environment stream shows the environment's requests moving, and nothing of another environment", async () => {
      const before = Date.now() - 1;
      const mine = await openSse(`${base}/v1/bulk_requests/events`, auth());
      const theirs = await openSse(`${base}/v1/bulk_requests/events`, auth(t.otherKey));
      assert.equal(mine.status, 200);
      assert.equal(theirs.status, 200);
      const id = await postRecords(25);
      await t.drain();
      const items = await readUntil(mine, (i) => i.kind === 'event' && i.data.id === id && i.data.status === 'completed');
      const events = eventsOf(items).filter((e) => e.data.id === id);
      assert.ok(events.every((e) => e.event === 'bulk_request'));
      assertOrdered(events);
      assert.equal(events.at(-1)!.data.processed_items, 25);

      // The other environment's stream was open all along: its first event is its own new request.
      const theirId = await postRecords(1, t.otherKey);
      const seenByThem = eventsOf(await readUntil(theirs, (i) => i.kind === 'event' && i.data.id === theirId));
      assert.ok(seenByThem.every((e) => e.data.id === theirId), `only their own request: ${JSON.stringify(seenByThem.map((e) => e.data.id))}`);
      mine.close();
      theirs.close();

      // Resumed with a time before the request: it is replayed in its current state.
      const resumed = await openSse(`${base}/v1/bulk_requests/events`, { ...auth(), 'last-event-id': String(before) });
      const replayed = eventsOf(await readUntil(resumed, (i) => i.kind === 'event' && i.data.id === id));
      resumed.close();
      assert.equal(replayed.at(-1)!.data.status, 'completed');
      assert.ok(replayed.every((e) => Number(e.id) > before));
      await t.drain();
    });

    test('the OpenAPI document describes both streams', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
      for (const path of ['/v1/bulk_requests/{id}/events', '/v1/bulk_requests/events']) {
        const get = doc.paths[path]?.get;
        assert.ok(get, `${path} is documented`);
        assert.ok(get.responses['200'].content['text/event-stream'], `${path} answers text/event-stream`);
        assert.ok(get.parameters.some((p: { name: string; in: string }) => p.name === 'last-event-id' && p.in === 'header'));
      }
      assert.ok(doc.paths['/v1/bulk_requests/{id}/events'].get.responses['404']);
    });
  });

  describe(`live events: bounded subscribers [${backend}]`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let base: string;
    before(async () => {
      t = await startTestApp(backend, { ...ENV, SLUICE_SSE_MAX_SUBSCRIBERS: '2' });
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await closeListening(t);
    });

    test('one stream more than allowed is refused with 503; a client that leaves frees its place', async () => {
      const headers = { 'x-api-key': t.key };
      const a = await openSse(`${base}/v1/bulk_requests/events`, headers);
      const b = await openSse(`${base}/v1/bulk_requests/events`, headers);
      assert.deepEqual([a.status, b.status], [200, 200]);
      const refused = await openSse(`${base}/v1/bulk_requests/events`, headers);
      assert.equal(refused.status, 503);
      assert.equal(refused.error.error, 'too_many_subscribers');
      assert.ok(refused.headers.get('retry-after'));
      a.close();
      const c = await waitFor('a place freed by the client that left', async () => {
        const conn = await openSse(`${base}/v1/bulk_requests/events`, headers);
        return conn.status === 200 ? conn : false;
      });
      b.close();
      c.close();
    });
  });
}
