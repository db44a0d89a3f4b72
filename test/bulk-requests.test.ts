import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS_BY_STAGING, stagingLabel } from './support/backends.js';
import { landed, sampleRecord, sumOfAmounts } from './support/ingest.js';

// Each suite runs twice: bodies read and staged on the API thread, and in a staging thread as `sluice
// serve` does it (src/staging/). The answers must be the same either way.
for (const [backend, stagingThreads] of BACKENDS_BY_STAGING) {
  describe(`bulk requests [${backend}]${stagingLabel(stagingThreads)}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, {}, {}, { stagingThreads });
      for (const key of ['bulk', 'conflicts', 'dry', 'other-env', 'pages', 'idem']) {
        assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
      }
    });
    after(async () => {
      await t.close();
    });

    test('a bulk request is accepted, processed, and every row is accounted for', async () => {
      const records = Array.from({ length: 250 }, (_, i) => sampleRecord('bulk', i));
      const created = await t.call('POST', '/v1/records/bulk', { records });
      assert.equal(created.status, 202);
      assert.equal(created.body.status, 'pending');
      assert.equal(created.body.total_items, 250);
      assert.equal(created.body.progress, 0);
      assert.equal(created.body.url, `/v1/bulk_requests/${created.body.id}`);
      assert.equal(created.body.on_conflict, 'skip');
      assert.equal(created.body.source, 'bulk_api');
      assert.equal(typeof created.body.data_stream_id, 'number');

      await t.drain();
      const done = await t.call('GET', `${created.body.url}?limit=200`);
      assert.equal(done.body.status, 'completed');
      assert.equal(done.body.processed_items, 250);
      assert.equal(done.body.successful_items, 250);
      assert.equal(done.body.progress, 100);
      assert.ok(done.body.completed_at);
      assert.equal(done.body.results.data.length, 200);
      assert.equal(done.body.results.has_more, true);
      assert.deepEqual(
        done.body.results.data.map((r: { index: number }) => r.index),
        Array.from({ length: 200 }, (_, i) => i),
      );
      const rest = await t.call('GET', `${created.body.url}?limit=200&offset=200`);
      assert.equal(rest.body.results.data.length, 50);
      assert.equal(rest.body.results.has_more, false);

      assert.deepEqual(await landed(t.store, 'bulk'), { count: 250, sum: sumOfAmounts(0, 250), distinctIds: 250 });
      const record = await t.call('GET', `/v1/records/${done.body.results.data[7].record_id}`);
      assert.equal(record.status, 200);
      assert.equal(record.body.external_id, 'ext-7');
      assert.equal(record.body.bulk_request_id, created.body.id);
    });

    test('array-level problems answer 422, a bad on_conflict 400', async () => {
      for (const body of [{}, { records: [] }, { records: 'x' }, { records: Array.from({ length: 1001 }, () => ({})) }]) {
        const res = await t.call('POST', '/v1/records/bulk', body);
        assert.equal(res.status, 422, JSON.stringify(body).slice(0, 50));
        assert.equal(res.body.error, 'validation_failed');
      }
      const bad = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('bulk', 1)], on_conflict: 'overwrite' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'invalid_on_conflict');
    });

    test('item problems become failed results with stable codes, never HTTP errors', async () => {
      const records = [
        { data_stream_key: 'bulk', amount: 1, direction: 'credit' },
        { date: '2026-01-01', data_stream_key: 'missing-stream', amount: 1, direction: 'credit' },
        { date: '2026-01-01', data_stream_key: 'bulk', amount: 1.5, direction: 'credit' },
        { date: '2026-01-01', data_stream_key: 'bulk', amount: 1, direction: 'credit', currency: 'XXQ' },
        'not an object',
      ];
      const created = await t.call('POST', '/v1/records/bulk', { records });
      assert.equal(created.status, 202);
      assert.equal(created.body.data_stream_id, null, 'items target different streams');
      await t.drain();
      const done = await t.call('GET', created.body.url);
      assert.equal(done.body.failed_items, 5);
      assert.deepEqual(
        done.body.results.data.map((r: { error_code: string }) => r.error_code),
        ['missing_required_field', 'unknown_data_stream', 'invalid_amount', 'invalid_currency', 'invalid_record'],
      );
      for (const r of done.body.results.data) {
        assert.equal(r.status, 'failed');
        assert.ok(r.error.length > 0);
      }
    });

    test('on_conflict skip and error, against existing records and between items of one request', async () => {
      const first = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('conflicts', 1)] });
      await t.drain();
      const existingId = (await t.call('GET', first.body.url)).body.results.data[0].record_id;

      const records = [sampleRecord('conflicts', 1), sampleRecord('conflicts', 2), sampleRecord('conflicts', 2, { amount: 999 })];
      const skip = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'skip' });
      await t.drain();
      const skipped = (await t.call('GET', skip.body.url)).body;
      assert.equal(skipped.successful_items, 1);
      assert.equal(skipped.skipped_items, 2);
      assert.equal(skipped.failed_items, 0);
      const [r0, r1, r2] = skipped.results.data;
      assert.deepEqual([r0.status, r0.record_id], ['skipped', existingId]);
      assert.equal(r1.status, 'successful');
      assert.deepEqual([r2.status, r2.record_id], ['skipped', r1.record_id], 'the later item conflicts with the earlier one');
      // Pages merge records and result rows by index.
      for (const [offset, status] of [[0, 'skipped'], [1, 'successful'], [2, 'skipped']] as const) {
        const page = await t.call('GET', `${skip.body.url}?limit=1&offset=${offset}`);
        assert.deepEqual(page.body.results.data.map((r: { index: number; status: string }) => [r.index, r.status]), [[offset, status]]);
        assert.equal(page.body.results.has_more, offset < 2);
      }

      const records2 = [sampleRecord('conflicts', 1), sampleRecord('conflicts', 3), sampleRecord('conflicts', 3)];
      const error = await t.call('POST', '/v1/records/bulk', { records: records2, on_conflict: 'error' });
      await t.drain();
      const errored = (await t.call('GET', error.body.url)).body;
      assert.equal(errored.successful_items, 1);
      assert.equal(errored.failed_items, 2);
      assert.equal(errored.skipped_items, 0);
      assert.equal(errored.results.data[0].error_code, 'duplicate_external_id');
      assert.equal(errored.results.data[2].error_code, 'duplicate_external_id');

      const totals = await landed(t.store, 'conflicts');
      assert.deepEqual(totals, { count: 3, sum: 101 + 102 + 103, distinctIds: 3 });
    });

    test('dry_run validates and reports exactly what would happen, writing no records', async () => {
      await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('dry', 1)] });
      await t.drain();
      const records = [sampleRecord('dry', 1), sampleRecord('dry', 2), sampleRecord('dry', 2), { ...sampleRecord('dry', 4), amount: 'x' }];
      const dry = await t.call('POST', '/v1/records/bulk?dry_run=true', { records, on_conflict: 'skip' });
      assert.equal(dry.status, 202);
      assert.equal(dry.body.dry_run, true);
      await t.drain();
      const done = (await t.call('GET', dry.body.url)).body;
      assert.equal(done.status, 'completed');
      assert.deepEqual(
        done.results.data.map((r: { status: string }) => r.status),
        ['skipped', 'successful', 'skipped', 'failed'],
      );
      assert.equal(done.successful_items, 1);
      assert.equal(done.skipped_items, 2);
      assert.equal((await landed(t.store, 'dry')).count, 1, 'nothing written by the dry run');
    });

    test('Idempotency-Key: replay returns the original, a different body is 422, concurrent first uses make one request', async () => {
      const records = [sampleRecord('idem', 1), sampleRecord('idem', 2)];
      const headers = { 'idempotency-key': 'order-42' };
      const first = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'skip' }, { headers });
      assert.equal(first.status, 202);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      // Same meaning, keys in another order: still a replay.
      const reordered = { on_conflict: 'skip', records: records.map((r) => Object.fromEntries(Object.entries(r).reverse())) };
      const replay = await t.call('POST', '/v1/records/bulk', reordered, { headers });
      assert.equal(replay.status, 202);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.body.id, first.body.id);

      const different = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('idem', 3)] }, { headers });
      assert.equal(different.status, 422);
      assert.equal(different.body.error, 'idempotency_key_reused');

      // The key is scoped to the environment: the other one may use it freely.
      await t.call('POST', '/v1/data_streams', { key: 'idem', name: 'idem' }, { as: t.otherKey });
      const elsewhere = await t.call('POST', '/v1/records/bulk', { records }, { headers, as: t.otherKey });
      assert.equal(elsewhere.status, 202);
      assert.notEqual(elsewhere.body.id, first.body.id);

      const tooLong = await t.call('POST', '/v1/records/bulk', { records }, { headers: { 'idempotency-key': 'k'.repeat(256) } });
      assert.equal(tooLong.status, 422);
      assert.equal(tooLong.body.error, 'invalid_idempotency_key');

      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () => t.call('POST', '/v1/records/bulk', { records }, { headers: { 'idempotency-key': 'race-1' } })),
      );
      assert.deepEqual(concurrent.map((r) => r.status), [202, 202, 202, 202, 202]);
      assert.equal(new Set(concurrent.map((r) => r.body.id)).size, 1);
      assert.equal(concurrent.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 4);
      await t.drain();
      assert.equal((await landed(t.store, 'idem')).count, 2);
    });

    test('listing walks every page once under concurrent inserts, with filters', async () => {
      const ids = new Set<number>();
      for (let i = 0; i < 7; i++) {
        const res = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('pages', 1000 + i)] });
        ids.add(res.body.id);
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const page: { body: { data: Array<{ id: number }>; next_cursor: string | null; limit: number } } = await t.call(
          'GET',
          `/v1/bulk_requests?data_stream_key=pages&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(page.body.limit, 2);
        seen.push(...page.body.data.map((r) => r.id));
        cursor = page.body.next_cursor;
        // New requests arrive while the client pages: they are newer than the cursor, so not returned.
        if (round++ < 3) await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('pages', 2000 + round)] });
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, 'no request twice');
      for (const id of ids) assert.ok(seen.includes(id), `request ${id} seen`);
      const sorted = [...seen].sort((a, b) => b - a);
      assert.deepEqual(seen, sorted, 'newest first');

      await t.drain();
      const completed = await t.call('GET', '/v1/bulk_requests?data_stream_key=pages&status=completed&source=bulk_api&limit=200');
      assert.ok(completed.body.data.length >= 10);
      assert.equal((await t.call('GET', '/v1/bulk_requests?status=bogus')).body.error, 'invalid_filter');
      assert.equal((await t.call('GET', '/v1/bulk_requests?cursor=garbage!')).body.error, 'invalid_cursor');
      assert.equal((await t.call('GET', '/v1/bulk_requests?cursor=WzEsMl0x')).status, 422);
      assert.equal((await t.call('GET', '/v1/bulk_requests?limit=0')).status, 422);
      assert.equal((await t.call('GET', '/v1/bulk_requests?limit=201')).status, 422);
      assert.equal((await t.call('GET', '/v1/bulk_requests?created_after=yesterday')).body.error, 'invalid_filter');
      const future = await t.call('GET', '/v1/bulk_requests?created_after=2999-01-01T00:00:00Z');
      assert.deepEqual(future.body.data, []);
      assert.deepEqual((await t.call('GET', '/v1/bulk_requests?data_stream_key=no-such-stream')).body.data, []);
    });

    test('another environment sees none of it', async () => {
      const mine = await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('other-env', 1)] });
      await t.drain();
      for (const [method, url] of [
        ['GET', mine.body.url],
        ['POST', `${mine.body.url}/cancel`],
        ['POST', `${mine.body.url}/retry`],
        ['GET', `${mine.body.url}/failed_rows.csv`],
      ] as const) {
        const res = await t.call(method, url, undefined, { as: t.otherKey });
        assert.equal(res.status, 404, `${method} ${url}`);
        assert.equal(res.body.error, 'bulk_request_not_found');
      }
      const list = await t.call('GET', '/v1/bulk_requests?limit=200', undefined, { as: t.otherKey });
      assert.ok(!list.body.data.some((r: { id: number }) => r.id === mine.body.id));
      assert.equal((await t.call('GET', '/v1/bulk_requests/abc')).status, 404);
      assert.equal((await t.call('GET', '/v1/bulk_requests/99999999')).status, 404);
    });

    test('failed_rows.csv gives the failed items in their original form, ready to fix and resend', async () => {
      const records = [
        sampleRecord('bulk', 5000),
        { ...sampleRecord('bulk', 5001), date: '2026-02-30', description: 'Line, with "quotes"\nand a newline' },
        { ...sampleRecord('bulk', 5002), metadata: { invoice: 'INV-1' }, currency: 'EURO' },
      ];
      const created = await t.call('POST', '/v1/records/bulk', { records });
      await t.drain();
      const csv = await t.call('GET', `${created.body.url}/failed_rows.csv`);
      assert.equal(csv.status, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      const text = csv.body as string;
      const lines = text.split('\r\n');
      assert.equal(lines[0], 'date,data_stream_key,amount,currency,direction,description,external_id,metadata,row_number,error_code,error_message');
      assert.ok(text.includes('"Line, with ""quotes""\nand a newline"'));
      assert.ok(text.includes(',2,invalid_date,'));
      assert.ok(text.includes('"{""invoice"":""INV-1""}"'));
      assert.ok(text.includes(',3,invalid_currency,'));
      assert.ok(!text.includes('ext-5000'), 'successful rows are not in the file');
    });
  });
}
