import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runRequest } from '../src/engine/run-request.js';
import { claimRequest } from '../src/engine/sql/claim-request.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { pauseAfter } from './support/pause.js';

// Migration 0007: a bulk request's records and an import batch's records are listed by item index through
// records_bulk_request (docs/engine.md, "The records table and its indexes"). A real upload, cancelled
// after 100 of its 250 rows, and its retry, which lands the other 150: the import batch spans two requests.
const ROWS = 250;
const DONE_BEFORE_CANCEL = 100;

for (const backend of BACKENDS) {
  describe(`record lists by request and import batch [${backend}]`, () => {
    let t: TestApp;
    let upload: number;
    let retry: number;
    let batch: number;

    const externalIds = (rows: Array<{ external_id: string }>) => rows.map((r) => r.external_id);
    const descending = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `u-${to - 1 - i}`);

    async function walk(query: string, limit: number): Promise<Array<{ id: number; external_id: string }>> {
      const seen = [];
      let cursor: string | null = null;
      do {
        const res = await t.call('GET', `/v1/records?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...res.body.data);
        cursor = res.body.next_cursor;
      } while (cursor);
      return seen;
    }

    before(async () => {
      t = await startTestApp(backend);
      await t.call('POST', '/v1/data_streams', { key: 'lists', name: 'lists' });
      const csv = ['date,amount,description,external_id', ...Array.from({ length: ROWS }, (_, i) => `2026-03-01,${i + 1}.00,row ${i},u-${i}`)].join('\n');
      const res = await t.app.inject({ method: 'POST', url: '/v1/data_streams/lists/uploads', headers: { 'x-api-key': t.key, 'content-type': 'text/csv' }, payload: csv });
      assert.equal(res.statusCode, 202, res.body);
      upload = JSON.parse(res.body).id;

      const config = { ...t.config.engine, chunkSize: 50 };
      const claimed = await claimRequest(t.store.db, t.store.caps, 'lists-worker', Date.now(), config.leaseMs);
      assert.equal(claimed?.id, upload);
      const pause = pauseAfter(DONE_BEFORE_CANCEL / 50);
      const logger = { info() {}, warn() {}, error() {} };
      const run = runRequest({ store: t.store, config, metrics: undefined, logger, now: Date.now, stopping: () => false, afterChunk: pause.afterChunk }, claimed!);
      await pause.paused;
      assert.equal((await t.call('POST', `/v1/bulk_requests/${upload}/cancel`)).status, 202);
      pause.release();
      assert.equal(await run, 'cancelled');

      const retried = await t.call('POST', `/v1/bulk_requests/${upload}/retry`);
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      retry = retried.body.id;
      await t.drain();
      const child = (await t.call('GET', `/v1/bulk_requests/${retry}`)).body;
      assert.equal(child.status, 'completed');
      assert.equal(child.successful_items, ROWS - DONE_BEFORE_CANCEL);
      const batches = (await t.call('GET', '/v1/data_streams/lists/import_batches')).body.data;
      assert.equal(batches.length, 1, 'the retry fills the upload’s import batch');
      assert.equal(batches[0].record_count, ROWS);
      batch = batches[0].id;
    });
    after(async () => {
      await t.close();
    });

    test("a bulk request's records: newest item first, every record once across pages", async () => {
      assert.deepEqual(externalIds(await walk(`bulk_request_id=${upload}`, 30)), descending(0, DONE_BEFORE_CANCEL));
      assert.deepEqual(externalIds(await walk(`bulk_request_id=${retry}`, 30)), descending(DONE_BEFORE_CANCEL, ROWS));
      // Narrowing filters still apply.
      assert.deepEqual(externalIds(await walk(`bulk_request_id=${upload}&data_stream_key=lists&source=csv_upload`, 200)), descending(0, DONE_BEFORE_CANCEL));
      assert.deepEqual(await walk(`bulk_request_id=${upload}&source=bulk_api`, 10), []);
    });

    test("an import batch's records span the upload and its retry, newest first, by cursor and by offset", async () => {
      // The retry ran after the upload, and holds the later items: newest first is u-249 down to u-0.
      for (const limit of [1, 40, 150, 151, 200]) {
        assert.deepEqual(externalIds(await walk(`import_batch_id=${batch}`, limit)), descending(0, ROWS), `limit ${limit}`);
      }
      const byOffset: string[] = [];
      for (let offset = 0; ; offset += 25) {
        const res = await t.call('GET', `/v1/import_batches/${batch}/records?limit=25&offset=${offset}`);
        assert.equal(res.status, 200);
        byOffset.push(...externalIds(res.body.data));
        if (!res.body.has_more) break;
      }
      assert.deepEqual(byOffset, descending(0, ROWS));
      const pastTheEnd = await t.call('GET', `/v1/import_batches/${batch}/records?limit=25&offset=${ROWS}`);
      assert.deepEqual([pastTheEnd.body.data, pastTheEnd.body.has_more], [[], false]);
      const straddling = await t.call('GET', `/v1/import_batches/${batch}/records?limit=10&offset=145`);
      assert.deepEqual(externalIds(straddling.body.data), descending(95, 105));
      // Another environment sees none of it.
      const foreign = await t.call('GET', `/v1/records?import_batch_id=${batch}`, undefined, { as: t.otherKey });
      assert.deepEqual(foreign.body.data, []);
    });

    test('cursors: a cursor of another request is refused; a two-element cursor from before 0007 still reads', async () => {
      const page = await t.call('GET', `/v1/records?bulk_request_id=${upload}&limit=10`);
      const wrong = await t.call('GET', `/v1/records?bulk_request_id=${retry}&cursor=${page.body.next_cursor}`);
      assert.equal(wrong.status, 422);
      assert.equal(wrong.body.error, 'invalid_cursor');
      const last = page.body.data[9];
      const legacy = Buffer.from(JSON.stringify([Date.parse(last.created_at), last.id])).toString('base64url');
      const next = await t.call('GET', `/v1/records?bulk_request_id=${upload}&limit=5&cursor=${legacy}`);
      assert.equal(next.status, 200);
      assert.deepEqual(externalIds(next.body.data), descending(DONE_BEFORE_CANCEL - 15, DONE_BEFORE_CANCEL - 10));
    });
  });
}
