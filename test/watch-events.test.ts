import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { watchRequest } from '../src/cli/client/watch-request.js';
import { startTestApp, type TestApp } from './support/app.js';
import { sampleRecord } from './support/ingest.js';

// How `sluice watch` follows a request: the event stream, resumed with Last-Event-ID after a drop, and
// polling only against a server without the route. The scripted servers stand in for a Sluice that drops a
// connection or predates the route; the last test uses the real one.

const view = (status: string, processed: number) => ({
  id: 7, status, source: 'bulk_api', filename: null, total_items: 20, processed_items: processed, successful_items: processed,
  failed_items: 0, skipped_items: 0, progress: processed * 5, parsing: false, stuck: false, error_message: null, error_details: {}, url: '/v1/bulk_requests/7',
});

async function scripted(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe('sluice watch', { timeout: 60_000 }, () => {
  test('a server without the events route (404 route_not_found) is polled until the request ends', async () => {
    const asked: string[] = [];
    let polls = 0;
    const server = await scripted((req, res) => {
      asked.push(req.url!);
      res.setHeader('content-type', 'application/json');
      if (req.url!.endsWith('/events')) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error: 'route_not_found', message: 'No such endpoint.' }));
      }
      polls++;
      res.end(JSON.stringify({ ...view(polls < 3 ? 'processing' : 'completed', polls < 3 ? 10 : 20), results: { data: [], has_more: false, offset: 0 } }));
    });
    try {
      const final = await watchRequest({ base: server.base, apiKey: 'k' }, 7, { bar: false, intervalMs: 5 });
      assert.equal(final.status, 'completed');
      assert.equal(asked[0], '/v1/bulk_requests/7/events');
      assert.equal(asked.filter((u) => u.endsWith('/events')).length, 1);
      assert.equal(polls, 3);
    } finally {
      await server.close();
    }
  });

  test('a stream that ends early is resumed with Last-Event-ID; the answer is the request as GET shows it', async () => {
    const resumes: Array<string | undefined> = [];
    const server = await scripted((req, res) => {
      if (req.url!.endsWith('/events')) {
        resumes.push(req.headers['last-event-id'] as string | undefined);
        res.setHeader('content-type', 'text/event-stream');
        if (resumes.length === 1) return res.end(`retry: 10\n\n: keep-alive\n\nid: 42\nevent: progress\ndata: ${JSON.stringify(view('processing', 10))}\n\n`);
        return res.end(`id: 83\nevent: completed\ndata: ${JSON.stringify(view('completed', 20))}\n\n`);
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...view('completed', 20), results: { data: [{ index: 0, status: 'successful', record_id: 1 }], has_more: true, offset: 0 } }));
    });
    try {
      const final = (await watchRequest({ base: server.base, apiKey: 'k' }, 7, { bar: false })) as unknown as { status: string; results: unknown };
      assert.deepEqual(resumes, [undefined, '42']);
      assert.equal(final.status, 'completed');
      assert.ok(final.results, 'the GET answer, with its first result');
    } finally {
      await server.close();
    }
  });

  describe('against Sluice', () => {
    let t: TestApp;
    let base: string;
    before(async () => {
      t = await startTestApp('sqlite');
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await t.close();
    });

    test('an unknown request is an error, not a reason to poll; a finished one returns at once', async () => {
      await assert.rejects(watchRequest({ base, apiKey: t.key }, 424242, { bar: false }), /404 bulk_request_not_found/);
      await t.call('POST', '/v1/data_streams', { key: 'w', name: 'W' });
      const created = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('w', 1), sampleRecord('w', 2)] });
      await t.drain();
      const final = await watchRequest({ base, apiKey: t.key }, created.body.id, { bar: false });
      assert.equal(final.status, 'completed');
      assert.equal(final.successful_items, 2);
    });
  });
});
