import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertBulkRequest as insertBulkRequestRow } from '../src/bulk/bulk-request.repository.js';
import type { Store } from '../src/db/connect.js';
import { countCreatedRecords } from '../src/engine/sql/count-records.js';
import { insertRecord, type NewRecord } from '../src/records/record.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { insertImportBatch } from './support/fill-stream.js';

// Direct inserts, for what a client cannot choose through the API: timestamps, sources and the links to
// bulk requests and import batches.

async function environmentId(store: Store, name: string): Promise<number> {
  return (await store.db.selectFrom('environments').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

/** A finished bulk request (no worker ever picks it up), for records that name one. */
async function insertBulkRequest(store: Store, environment: number): Promise<number> {
  const { row } = await store.db.transaction().execute((trx) =>
    insertBulkRequestRow(trx, {
      environmentId: environment,
      source: 'bulk_api',
      onConflict: 'error',
      dryRun: false,
      filename: null,
      dataStreamId: null,
      idempotencyKey: null,
      requestHash: null,
      options: {},
      parsing: false,
      now: Date.now(),
    }),
  );
  await store.db.updateTable('bulk_requests').set({ status: 'completed' }).where('id', '=', row.id).execute();
  return row.id;
}

async function insertTestRecord(store: Store, values: Partial<NewRecord> & Pick<NewRecord, 'environment_id' | 'data_stream_id'>, createdAt = Date.now()) {
  // As every writer of records does, in one transaction with the insert (src/engine/sql/count-records.ts).
  const row = await store.db.transaction().execute(async (trx) => {
    const inserted = await insertRecord(
      trx,
      {
        external_id: null,
        date: '2026-01-31',
        amount: 100,
        direction: 'credit',
        currency: 'USD',
        description: null,
        metadata: '{}',
        source: 'api',
        bulk_request_id: null,
        item_index: null,
        import_batch_id: null,
        ...values,
      },
      createdAt,
    );
    if (inserted) await countCreatedRecords(trx, [inserted]);
    return inserted;
  });
  if (!row) throw new Error('test record conflicted');
  return row;
}

type Page = { data: Array<{ id: number; [k: string]: unknown }>; next_cursor: string | null; limit: number };

for (const backend of BACKENDS) {
  describe(`records [${backend}]`, () => {
    let t: TestApp;
    let env: number;
    const streamIds = new Map<string, number>();

    async function stream(key: string, as?: string) {
      const res = await t.call('POST', '/v1/data_streams', { key, name: key }, as ? { as } : {});
      assert.equal(res.status, 201);
      if (!as) streamIds.set(key, res.body.id);
      return res.body.id as number;
    }

    const record = (streamKey: string, extra: Record<string, unknown> = {}) => ({
      data_stream_key: streamKey,
      date: '2026-01-31',
      amount: 1234,
      direction: 'credit',
      ...extra,
    });

    async function create(streamKey: string, extra: Record<string, unknown> = {}) {
      const res = await t.call('POST', '/v1/records', record(streamKey, extra));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    }

    async function rawPost(json: string) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/records',
        headers: { 'x-api-key': t.key, 'content-type': 'application/json' },
        payload: json,
      });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    }

    async function walk(query: string, limit: number, between?: (round: number) => Promise<void>) {
      const seen: Array<{ id: number; created_at: string }> = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const res: { status: number; body: Page } = await t.call('GET', `/v1/records?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.limit, limit);
        assert.ok(res.body.data.length <= limit);
        seen.push(...(res.body.data as Array<{ id: number; created_at: string }>));
        cursor = res.body.next_cursor;
        if (between) await between(round++);
      } while (cursor);
      return seen;
    }

    before(async () => {
      t = await startTestApp(backend);
      env = await environmentId(t.store, 'test');
    });
    after(async () => {
      await t.close();
    });

    test('create, retrieve: every contract field plus the read-only extras', async () => {
      await stream('main');
      const created = await create('main', {
        currency: 'eur',
        description: 'Coffee',
        external_id: 'tx-1',
        metadata: { invoice: 'INV-1', nested: { a: [1, 2, { b: null }] }, n: 1.5 },
      });
      assert.equal(typeof created.id, 'number');
      assert.equal(created.amount, 1234);
      assert.equal(created.currency, 'EUR');
      assert.equal(created.decimal_places, 2);
      assert.equal(created.direction, 'credit');
      assert.equal(created.description, 'Coffee');
      assert.equal(created.date, '2026-01-31');
      assert.deepEqual(created.metadata, { invoice: 'INV-1', nested: { a: [1, 2, { b: null }] }, n: 1.5 });
      assert.equal(created.external_id, 'tx-1');
      assert.equal(created.data_stream_key, 'main');
      assert.match(created.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(created.updated_at, created.created_at);
      assert.equal(created.bulk_request_id, null);
      assert.equal(created.import_batch_id, null);
      assert.equal(created.source, 'api');

      const got = await t.call('GET', `/v1/records/${created.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, created);
    });

    test('defaults: USD, empty metadata; description and external_id are absent, not null, when not given', async () => {
      await stream('defaults');
      const created = await create('defaults');
      assert.equal(created.currency, 'USD');
      assert.equal(created.decimal_places, 2);
      assert.deepEqual(created.metadata, {});
      assert.ok(!('description' in created));
      assert.ok(!('external_id' in created));
      const explicitNulls = await create('defaults', { description: null, external_id: null });
      assert.ok(!('description' in explicitNulls));
      assert.ok(!('external_id' in explicitNulls));
      // Null external_ids never collide with each other.
      assert.notEqual(explicitNulls.id, created.id);
    });

    test('currency is case-insensitive in, uppercase out, with ISO 4217 decimal places', async () => {
      await stream('fx');
      for (const [currency, code, places] of [['jpy', 'JPY', 0], ['Bhd', 'BHD', 3], ['KWD', 'KWD', 3], ['clf', 'CLF', 4], ['usd', 'USD', 2]] as const) {
        const created = await create('fx', { currency, amount: 1000 });
        assert.equal(created.currency, code);
        assert.equal(created.decimal_places, places);
        assert.equal(created.amount, 1000);
      }
      for (const currency of ['XXX', 'usd1', 'US', '', 'XAU', 840, null]) {
        const res = await t.call('POST', '/v1/records', record('fx', { currency }));
        assert.equal(res.status, 422, String(currency));
        assert.equal(res.body.error, 'invalid_currency');
      }
    });

    test('money: any safe integer, negative and zero included, is stored exactly; anything else is invalid_amount', async () => {
      await stream('money');
      for (const amount of [0, -1, -250, 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
        const created = await create('money', { amount });
        assert.equal(created.amount, amount);
        assert.equal((await t.call('GET', `/v1/records/${created.id}`)).body.amount, amount);
      }
      for (const amount of [2 ** 53, -(2 ** 53), 1.5, -0.01, '100', '1234', true, [], {}]) {
        const res = await t.call('POST', '/v1/records', record('money', { amount }));
        assert.equal(res.status, 422, JSON.stringify(amount));
        assert.equal(res.body.error, 'invalid_amount');
        assert.equal(res.body.details.field, 'amount');
      }
      // Written out as JSON text: past 2^53 a parser cannot even hold the value exactly.
      for (const text of ['9007199254740992', '9007199254740993', '1e300', '12345678901234567890']) {
        const res = await rawPost(`{"data_stream_key":"money","date":"2026-01-31","direction":"debit","amount":${text}}`);
        assert.equal(res.status, 422, text);
        assert.equal(res.body.error, 'invalid_amount');
      }
    });

    test('validation errors answer 422 with the item code and name the field', async () => {
      await stream('val');
      const cases: Array<[Record<string, unknown>, string, string | undefined]> = [
        [{ date: undefined }, 'missing_required_field', 'date'],
        [{ amount: undefined }, 'missing_required_field', 'amount'],
        [{ direction: undefined }, 'missing_required_field', 'direction'],
        [{ data_stream_key: undefined }, 'missing_required_field', 'data_stream_key'],
        [{ amount: null }, 'missing_required_field', 'amount'],
        [{ direction: 'sideways' }, 'invalid_direction', 'direction'],
        [{ direction: 'CREDIT' }, 'invalid_direction', 'direction'],
        [{ date: '2026-02-30' }, 'invalid_date', 'date'],
        [{ date: '2026-02-29' }, 'invalid_date', 'date'],
        [{ date: '01/31/2026' }, 'invalid_date', 'date'],
        [{ date: '2026-01-31T00:00:00Z' }, 'invalid_date', 'date'],
        [{ description: 'x'.repeat(1001) }, 'invalid_description', 'description'],
        [{ description: 42 }, 'invalid_description', 'description'],
        [{ external_id: '' }, 'invalid_external_id', 'external_id'],
        [{ external_id: 'e'.repeat(256) }, 'invalid_external_id', 'external_id'],
        [{ external_id: 7 }, 'invalid_external_id', 'external_id'],
        [{ metadata: [] }, 'invalid_metadata', 'metadata'],
        [{ metadata: null }, 'invalid_metadata', 'metadata'],
        [{ metadata: 'x' }, 'invalid_metadata', 'metadata'],
        [{ metadata: { big: 'x'.repeat(16 * 1024) } }, 'invalid_metadata', 'metadata'],
        [{ data_stream_key: 'nope' }, 'unknown_data_stream', 'data_stream_key'],
        [{ data_stream_key: 12 }, 'unknown_data_stream', 'data_stream_key'],
        [{ data_stream_key: 'not a key' }, 'unknown_data_stream', 'data_stream_key'],
        // PostgreSQL text cannot hold NUL: refused up front on both databases, never a 500.
        [{ data_stream_key: 'val\u0000' }, 'unknown_data_stream', 'data_stream_key'],
        [{ description: 'a\u0000b' }, 'invalid_description', 'description'],
        [{ external_id: 'a\u0000b' }, 'invalid_external_id', 'external_id'],
      ];
      for (const [change, code, field] of cases) {
        const body = record('val', change);
        for (const [k, v] of Object.entries(change)) if (v === undefined) delete (body as Record<string, unknown>)[k];
        const res = await t.call('POST', '/v1/records', body);
        assert.equal(res.status, 422, `${JSON.stringify(change).slice(0, 60)} -> ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error, code, JSON.stringify(change).slice(0, 60));
        assert.equal(res.body.details?.field, field);
        assert.ok(res.body.message.length < 200, 'messages never echo large values');
      }
      assert.equal((await t.call('POST', '/v1/records', record('val', { date: undefined }))).body.message, 'date is required');
      for (const body of [[], 'x', 5, null]) {
        const res = await rawPost(JSON.stringify(body));
        assert.equal(res.status, 422);
        assert.equal(res.body.error, 'invalid_record');
      }
      const notJson = await rawPost('{"amount": ');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.error, 'invalid_json');
      // Limits are inclusive.
      await create('val', { description: 'd'.repeat(1000), external_id: 'e'.repeat(255) });
      // Inside metadata, NUL is escaped by the JSON serialization and round-trips.
      const nul = await create('val', { metadata: { 'k\u0000': 'v\u0000', emoji: '😀', quote: '"\\' } });
      assert.deepEqual((await t.call('GET', `/v1/records/${nul.id}`)).body.metadata, { 'k\u0000': 'v\u0000', emoji: '😀', quote: '"\\' });
    });

    test('a stream of another environment is unknown here', async () => {
      await stream('theirs-only', t.otherKey);
      const res = await t.call('POST', '/v1/records', record('theirs-only'));
      assert.equal(res.status, 422);
      assert.equal(res.body.error, 'unknown_data_stream');
    });

    test('an external_id already in the stream answers 409 with the existing record id', async () => {
      await stream('dups');
      await stream('dups-2');
      const first = await create('dups', { external_id: 'same' });
      const again = await t.call('POST', '/v1/records', record('dups', { external_id: 'same', amount: 5 }));
      assert.equal(again.status, 409);
      assert.equal(again.body.error, 'duplicate_external_id');
      assert.equal(again.body.details.record_id, first.id);
      // Another stream, or another environment, may use the same external_id.
      await create('dups-2', { external_id: 'same' });
      await stream('dups', t.otherKey);
      const elsewhere = await t.call('POST', '/v1/records', record('dups', { external_id: 'same' }), { as: t.otherKey });
      assert.equal(elsewhere.status, 201);
      // Concurrent creates of one external_id: exactly one wins, the others name it.
      const racing = await Promise.all(
        Array.from({ length: 6 }, () => t.call('POST', '/v1/records', record('dups', { external_id: 'race' }))),
      );
      const winners = racing.filter((r) => r.status === 201);
      assert.equal(winners.length, 1);
      for (const loser of racing.filter((r) => r.status !== 201)) {
        assert.equal(loser.status, 409);
        assert.equal(loser.body.details.record_id, winners[0]!.body.id);
      }
    });

    test('metadata is checked against the stream’s property definitions', async () => {
      await stream('typed');
      const define = (key: string, type: string, optional?: boolean) =>
        t.call('POST', '/v1/data_stream_property_definitions', { data_stream_key: 'typed', key, name: key, type, ...(optional === undefined ? {} : { optional }) });
      assert.equal((await define('invoice', 'string')).status, 201);
      assert.equal((await define('paid_on', 'date', true)).status, 201);
      assert.equal((await define('seen_at', 'datetime', true)).status, 201);
      assert.equal((await define('weight', 'number', true)).status, 201);
      assert.equal((await define('ok', 'boolean', true)).status, 201);

      const missing = await t.call('POST', '/v1/records', record('typed', { metadata: { other: 1 } }));
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error, 'metadata_required');
      assert.equal(missing.body.details.field, 'metadata.invoice');
      assert.equal((await t.call('POST', '/v1/records', record('typed'))).body.error, 'metadata_required');

      for (const metadata of [
        { invoice: 12 },
        { invoice: 'I', paid_on: '2026-02-30' },
        { invoice: 'I', seen_at: '2026-01-31 10:00' },
        { invoice: 'I', weight: '3' },
        { invoice: 'I', ok: 'yes' },
      ]) {
        const res = await t.call('POST', '/v1/records', record('typed', { metadata }));
        assert.equal(res.status, 422, JSON.stringify(metadata));
        assert.equal(res.body.error, 'metadata_type_mismatch');
      }
      const good = await create('typed', {
        metadata: { invoice: 'INV-9', paid_on: '2026-01-31', seen_at: '2026-01-31T10:00:00+01:00', weight: 2.5, ok: true, free: [1] },
      });
      assert.equal(good.metadata.invoice, 'INV-9');
    });

    test('PATCH merges metadata, removes null keys, updates fields and keeps the rest', async () => {
      await stream('patch');
      const created = await create('patch', { description: 'Old', external_id: 'p-1', metadata: { a: 1, b: { x: 1 }, c: 'keep' } });
      const patched = await t.call('PATCH', `/v1/records/${created.id}`, {
        amount: -500,
        direction: 'debit',
        date: '2024-02-29',
        description: 'New',
        external_id: 'p-1b',
        metadata: { a: null, b: { y: 2 }, d: true },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.amount, -500);
      assert.equal(patched.body.direction, 'debit');
      assert.equal(patched.body.date, '2024-02-29');
      assert.equal(patched.body.description, 'New');
      assert.equal(patched.body.external_id, 'p-1b');
      assert.deepEqual(patched.body.metadata, { b: { y: 2 }, c: 'keep', d: true });
      assert.equal(patched.body.currency, 'USD');
      assert.equal(patched.body.created_at, created.created_at);
      assert.ok(patched.body.updated_at >= created.updated_at);
      assert.deepEqual((await t.call('GET', `/v1/records/${created.id}`)).body, patched.body);

      // null clears the optional fields; an empty body changes nothing.
      const cleared = await t.call('PATCH', `/v1/records/${created.id}`, { description: null, external_id: null });
      assert.ok(!('description' in cleared.body));
      assert.ok(!('external_id' in cleared.body));
      const same = await t.call('PATCH', `/v1/records/${created.id}`, {});
      assert.equal(same.status, 200);
      assert.deepEqual(same.body.metadata, patched.body.metadata);
    });

    test('PATCH: immutable fields, validation, external_id collisions and definitions', async () => {
      await stream('patch2');
      const a = await create('patch2', { external_id: 'a' });
      const b = await create('patch2', { external_id: 'b' });
      for (const body of [{ currency: 'EUR' }, { currency: 'USD' }, { data_stream_key: 'patch' }, { data_stream_key: 'patch2' }]) {
        const res = await t.call('PATCH', `/v1/records/${a.id}`, body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.equal(res.body.error, 'immutable_field');
      }
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ amount: '5' }, 'invalid_amount'],
        [{ amount: 1.5 }, 'invalid_amount'],
        [{ amount: null }, 'invalid_amount'],
        [{ amount: 2 ** 53 }, 'invalid_amount'],
        [{ direction: 'up' }, 'invalid_direction'],
        [{ date: '2026-13-01' }, 'invalid_date'],
        [{ description: 'x'.repeat(1001) }, 'invalid_description'],
        [{ external_id: '' }, 'invalid_external_id'],
        [{ metadata: null }, 'invalid_metadata'],
        [{ metadata: [1] }, 'invalid_metadata'],
        [{ metadata: { huge: 'x'.repeat(16 * 1024) } }, 'invalid_metadata'],
      ];
      for (const [body, code] of cases) {
        const res = await t.call('PATCH', `/v1/records/${a.id}`, body);
        assert.equal(res.status, 422, JSON.stringify(body).slice(0, 60));
        assert.equal(res.body.error, code, JSON.stringify(body).slice(0, 60));
      }
      const notObject = await t.app.inject({
        method: 'PATCH',
        url: `/v1/records/${a.id}`,
        headers: { 'x-api-key': t.key, 'content-type': 'application/json' },
        payload: '[1]',
      });
      assert.equal(JSON.parse(notObject.body).error, 'invalid_record');

      const taken = await t.call('PATCH', `/v1/records/${a.id}`, { external_id: 'b' });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error, 'duplicate_external_id');
      assert.equal(taken.body.details.record_id, b.id);
      assert.equal((await t.call('PATCH', `/v1/records/${a.id}`, { external_id: 'a' })).status, 200, 'its own external_id is not a collision');
      // Nothing of a rejected PATCH was applied.
      assert.equal((await t.call('GET', `/v1/records/${a.id}`)).body.amount, 1234);

      // Merged metadata is checked against the definitions: adding a required definition later does not
      // block other changes, but metadata written from then on must satisfy it.
      const def = await t.call('POST', '/v1/data_stream_property_definitions', { data_stream_key: 'patch2', key: 'ref', name: 'Ref', type: 'string' });
      assert.equal(def.status, 201);
      assert.equal((await t.call('PATCH', `/v1/records/${a.id}`, { amount: 1 })).status, 200);
      const stillMissing = await t.call('PATCH', `/v1/records/${a.id}`, { metadata: { other: 1 } });
      assert.equal(stillMissing.body.error, 'metadata_required');
      assert.equal((await t.call('PATCH', `/v1/records/${a.id}`, { metadata: { ref: 5 } })).body.error, 'metadata_type_mismatch');
      assert.equal((await t.call('PATCH', `/v1/records/${a.id}`, { metadata: { ref: 'R-1' } })).status, 200);
      const removing = await t.call('PATCH', `/v1/records/${a.id}`, { metadata: { ref: null } });
      assert.equal(removing.body.error, 'metadata_required', 'removing a required key is refused');

      // Merges of different keys by concurrent PATCHes all land.
      await Promise.all(Array.from({ length: 5 }, (_, i) => t.call('PATCH', `/v1/records/${b.id}`, { metadata: { ref: 'R', [`k${i}`]: i } })));
      const merged = (await t.call('GET', `/v1/records/${b.id}`)).body.metadata;
      assert.deepEqual(Object.keys(merged).sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'ref']);
    });

    test('DELETE removes the record', async () => {
      await stream('del');
      const created = await create('del', { external_id: 'gone' });
      assert.equal((await t.call('DELETE', `/v1/records/${created.id}`)).status, 204);
      assert.equal((await t.call('GET', `/v1/records/${created.id}`)).status, 404);
      const again = await t.call('DELETE', `/v1/records/${created.id}`);
      assert.equal(again.status, 404);
      assert.equal(again.body.error, 'record_not_found');
      // Its external_id is free again.
      await create('del', { external_id: 'gone' });
    });

    test('unknown and non-numeric ids answer 404 record_not_found', async () => {
      for (const id of ['999999999', 'abc', '1.5', '-1', '0', '99999999999999999999', '1e3']) {
        for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
          const res = await t.call(method, `/v1/records/${id}`, method === 'PATCH' ? { amount: 1 } : undefined);
          assert.equal(res.status, 404, `${method} ${id}`);
          assert.equal(res.body.error, 'record_not_found');
        }
      }
    });

    test('another environment cannot see, change or delete a record, nor list it', async () => {
      await stream('private');
      const mine = await create('private', { external_id: 'secret', metadata: { k: 1 } });
      for (const [method, body] of [['GET', undefined], ['PATCH', { amount: 1 }], ['PATCH', { currency: 'EUR' }], ['DELETE', undefined]] as const) {
        const res = await t.call(method, `/v1/records/${mine.id}`, body, { as: t.otherKey });
        assert.equal(res.status, 404, method);
        assert.equal(res.body.error, 'record_not_found');
      }
      assert.deepEqual((await t.call('GET', `/v1/records/${mine.id}`)).body, mine, 'untouched');
      for (const query of ['data_stream_key=private', 'external_id=secret']) {
        const list = await t.call('GET', `/v1/records?${query}`, undefined, { as: t.otherKey });
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.data, [], query);
      }
      // Even a stream with the same key over there lists only its own records.
      await stream('private', t.otherKey);
      assert.deepEqual((await t.call('GET', '/v1/records?data_stream_key=private', undefined, { as: t.otherKey })).body.data, []);
      // Filters by bulk request or import batch ids of this environment find nothing from the other.
      const bulkId = await insertBulkRequest(t.store, env);
      const batchId = await insertImportBatch(t.store, { environmentId: env, streamId: streamIds.get('private')!, bulkRequestId: bulkId, recordCount: 0 });
      await insertTestRecord(t.store, { environment_id: env, data_stream_id: streamIds.get('private')!, bulk_request_id: bulkId, import_batch_id: batchId });
      for (const query of [`bulk_request_id=${bulkId}`, `import_batch_id=${batchId}`]) {
        assert.equal((await t.call('GET', `/v1/records?${query}`)).body.data.length, 1, query);
        assert.deepEqual((await t.call('GET', `/v1/records?${query}`, undefined, { as: t.otherKey })).body.data, [], query);
      }
    });

    test('listing needs a scope filter and checks every parameter strictly', async () => {
      await stream('strict');
      const none = await t.call('GET', '/v1/records');
      assert.equal(none.status, 422);
      assert.equal(none.body.error, 'missing_scope_filter');
      assert.equal((await t.call('GET', '/v1/records?source=bulk_api&status=unmatched')).body.error, 'missing_scope_filter');

      for (const query of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'status=bogus', 'source=ftp', 'import_batch_id=abc', 'bulk_request_id=0']) {
        const res = await t.call('GET', `/v1/records?data_stream_key=strict&${query}`);
        assert.equal(res.status, 422, query);
      }
      for (const cursor of ['garbage!', 'WzEsMl0x', 'bm90IGpzb24', Buffer.from('[1]').toString('base64url'), Buffer.from('[-1,2]').toString('base64url'), 'x'.repeat(300)]) {
        const res = await t.call('GET', `/v1/records?data_stream_key=strict&cursor=${cursor}`);
        assert.equal(res.status, 422, cursor);
        assert.equal(res.body.error, 'invalid_cursor');
      }
      for (const value of ['yesterday', '2026-01-31', '2026-01-31T00:00:00', '2026-13-01T00:00:00Z']) {
        for (const name of ['created_after', 'created_before']) {
          const res = await t.call('GET', `/v1/records?data_stream_key=strict&${name}=${value}`);
          assert.equal(res.status, 422, `${name}=${value}`);
          assert.equal(res.body.error, 'invalid_filter');
          assert.equal(res.body.details.field, name);
        }
      }
      // Bad parameters are refused even where the answer would be empty anyway.
      assert.equal((await t.call('GET', '/v1/records?reconciliation_id=1&cursor=garbage!')).status, 422);
      assert.equal((await t.call('GET', '/v1/records?data_stream_key=no-such&created_after=nope')).status, 422);

      for (const query of ['data_stream_key=not%20a%20key', 'external_id=nobody']) {
        const res = await t.call('GET', `/v1/records?${query}`);
        assert.equal(res.status, 200, query);
        assert.deepEqual(res.body.data, [], query);
      }
      // NUL cannot be in any stored text: a query naming it is a bad filter (422), never a database error.
      for (const query of ['data_stream_key=%00', 'external_id=%00', 'external_id=a%00b&data_stream_key=strict']) {
        const res = await t.call('GET', `/v1/records?${query}`);
        assert.equal(res.status, 422, query);
        assert.equal(res.body.error, 'invalid_filter', query);
      }

      const defaults = await t.call('GET', '/v1/records?data_stream_key=strict');
      assert.deepEqual(defaults.body, { data: [], next_cursor: null, limit: 50 });
    });

    test('list filters', async () => {
      const sid = await stream('filters');
      const other = await stream('filters-other');
      const bulkId = await insertBulkRequest(t.store, env);
      const batchId = await insertImportBatch(t.store, { environmentId: env, streamId: sid, bulkRequestId: bulkId, recordCount: 0 });
      const base = Date.parse('2026-01-10T00:00:00Z');
      const rows = [
        await insertTestRecord(t.store, { environment_id: env, data_stream_id: sid, external_id: 'f-1', source: 'api' }, base),
        await insertTestRecord(t.store, { environment_id: env, data_stream_id: sid, external_id: 'f-2', source: 'bulk_api', bulk_request_id: bulkId, item_index: 0 }, base + 1000),
        await insertTestRecord(t.store, { environment_id: env, data_stream_id: sid, external_id: 'f-3', source: 'csv_upload', bulk_request_id: bulkId, item_index: 1, import_batch_id: batchId }, base + 2000),
        await insertTestRecord(t.store, { environment_id: env, data_stream_id: sid, external_id: 'f-4', source: 'nacha_upload' }, base + 3000),
        await insertTestRecord(t.store, { environment_id: env, data_stream_id: other, external_id: 'f-1', source: 'api' }, base + 4000),
      ];
      const ids = async (query: string) => {
        const res = await t.call('GET', `/v1/records?${query}`);
        assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
        return res.body.data.map((r: { id: number }) => r.id);
      };
      const [r1, r2, r3, r4, r5] = rows.map((r) => r.id);
      assert.deepEqual(await ids('data_stream_key=filters'), [r4, r3, r2, r1], 'newest first');
      assert.deepEqual(await ids('data_stream_key=no-such-stream'), [], 'an unknown stream is an empty list, not a 404');
      assert.deepEqual(await ids('external_id=f-1'), [r5, r1], 'external_id across streams');
      assert.deepEqual(await ids('external_id=f-1&data_stream_key=filters'), [r1]);
      assert.deepEqual(await ids(`bulk_request_id=${bulkId}`), [r3, r2]);
      assert.deepEqual(await ids(`import_batch_id=${batchId}`), [r3]);
      assert.deepEqual(await ids('import_batch_id=999999'), []);
      assert.deepEqual(await ids('data_stream_key=filters&source=bulk_api'), [r2]);
      assert.deepEqual(await ids('data_stream_key=filters&source=csv_upload'), [r3]);
      assert.deepEqual(await ids('data_stream_key=filters&source=nacha_upload'), [r4]);
      assert.deepEqual(await ids('data_stream_key=filters&source=api'), [r1]);
      assert.deepEqual(await ids('data_stream_key=filters&status=unmatched'), [r4, r3, r2, r1], 'nothing is ever matched');
      assert.deepEqual(await ids('data_stream_key=filters&status=matched'), []);
      assert.deepEqual(await ids('reconciliation_id=1'), []);
      assert.deepEqual(await ids('reconciliation_match_id=abc&data_stream_key=filters'), []);
      // Bounds are exclusive; any zone is accepted.
      assert.deepEqual(await ids('data_stream_key=filters&created_after=2026-01-10T00:00:01Z'), [r4, r3]);
      assert.deepEqual(await ids('data_stream_key=filters&created_before=2026-01-10T00:00:02.000Z'), [r2, r1]);
      assert.deepEqual(await ids('data_stream_key=filters&created_after=2026-01-10T01:00:00.5%2B01:00&created_before=2026-01-10T00:00:03Z'), [r3, r2]);
      const record = (await t.call('GET', `/v1/records?import_batch_id=${batchId}`)).body.data[0];
      assert.equal(record.import_batch_id, batchId);
      assert.equal(record.bulk_request_id, bulkId);
      assert.equal(record.source, 'csv_upload');
    });

    test('cursor pagination walks every record exactly once, newest first, while records keep arriving', async () => {
      await stream('pages');
      const original: number[] = [];
      for (let i = 0; i < 23; i++) original.push((await create('pages', { amount: i })).id);
      // Many records created within the same millisecond: the id breaks the tie.
      const sid = streamIds.get('pages')!;
      const instant = Date.now() - 60_000;
      for (let i = 0; i < 9; i++) original.push((await insertTestRecord(t.store, { environment_id: env, data_stream_id: sid }, instant)).id);

      const added: number[] = [];
      const seen = await walk('data_stream_key=pages', 4, async () => {
        for (let i = 0; i < 2; i++) added.push((await create('pages')).id);
      });
      const ids = seen.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'no record twice');
      for (const id of original) assert.ok(ids.includes(id), `record ${id} seen`);
      for (const id of added) assert.ok(!ids.includes(id), `record ${id}, newer than the cursor, is not on later pages`);
      for (let i = 1; i < seen.length; i++) {
        const [prev, cur] = [seen[i - 1]!, seen[i]!];
        assert.ok(prev.created_at > cur.created_at || (prev.created_at === cur.created_at && prev.id > cur.id), 'newest first');
      }
      // Exactly full last page: next_cursor is null after it, not an empty extra page.
      const all = await walk('data_stream_key=pages', 200);
      const exact = await t.call('GET', `/v1/records?data_stream_key=pages&limit=${all.length}`);
      assert.equal(exact.body.data.length, all.length);
      assert.equal(exact.body.next_cursor, null);
      // A cursor also works with deletes in between: the deleted record is simply not there.
      const first = await t.call('GET', '/v1/records?data_stream_key=pages&limit=3');
      await t.call('DELETE', `/v1/records/${first.body.data[2].id}`);
      const next = await t.call('GET', `/v1/records?data_stream_key=pages&limit=3&cursor=${first.body.next_cursor}`);
      assert.equal(next.status, 200);
      assert.ok(next.body.data.every((r: { id: number }) => !first.body.data.some((f: { id: number }) => f.id === r.id)));
    });
  });
}
