import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { definitionsForStream } from '../src/properties/property-definition.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

const URL = '/v1/data_stream_property_definitions';

for (const backend of BACKENDS) {
  describe(`property definitions [${backend}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    async function stream(key: string, as?: string) {
      const res = await t.call('POST', '/v1/data_streams', { key, name: key }, as ? { as } : {});
      assert.equal(res.status, 201);
      return res.body.id as number;
    }

    test('create, get, list, patch and delete', async () => {
      const streamId = await stream('defs');
      const created = await t.call('POST', URL, { data_stream_key: 'defs', key: 'invoice', name: 'Invoice number', type: 'string' });
      assert.equal(created.status, 201);
      assert.equal(typeof created.body.id, 'number');
      assert.equal(created.body.key, 'invoice');
      assert.equal(created.body.name, 'Invoice number');
      assert.equal(created.body.type, 'string');
      assert.equal(created.body.optional, false, 'optional defaults to false');
      assert.equal(created.body.data_stream_key, 'defs');
      assert.match(created.body.created_at, /Z$/);
      assert.equal(created.body.updated_at, created.body.created_at);

      const optional = await t.call('POST', URL, { data_stream_key: 'defs', key: 'paid_on', name: 'Paid on', type: 'date', optional: true });
      assert.equal(optional.body.optional, true);
      for (const type of ['number', 'datetime', 'boolean']) {
        assert.equal((await t.call('POST', URL, { data_stream_key: 'defs', key: `k_${type}`, name: type, type })).status, 201);
      }

      const got = await t.call('GET', `${URL}/${created.body.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, created.body);

      const list = await t.call('GET', `${URL}?data_stream_key=defs`);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.map((d: { key: string }) => d.key),
        ['invoice', 'paid_on', 'k_number', 'k_datetime', 'k_boolean'],
        'in creation order',
      );
      assert.deepEqual(list.body[0], created.body);

      const patched = await t.call('PATCH', `${URL}/${created.body.id}`, { name: 'Invoice', optional: true });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.name, 'Invoice');
      assert.equal(patched.body.optional, true);
      assert.equal(patched.body.key, 'invoice');
      assert.equal(patched.body.type, 'string');
      assert.equal(patched.body.created_at, created.body.created_at);
      const onlyName = await t.call('PATCH', `${URL}/${created.body.id}`, { name: 'Invoice no.' });
      assert.equal(onlyName.body.optional, true, 'an absent field is left alone');

      // The engine's view of the same rules.
      const rules = await definitionsForStream(t.store.db, streamId);
      assert.deepEqual(rules[0], { key: 'invoice', type: 'string', optional: 1 });
      assert.equal(rules.length, 5);

      assert.equal((await t.call('DELETE', `${URL}/${created.body.id}`)).status, 204);
      assert.equal((await t.call('GET', `${URL}/${created.body.id}`)).status, 404);
      const again = await t.call('DELETE', `${URL}/${created.body.id}`);
      assert.equal(again.status, 404);
      assert.equal(again.body.error, 'property_definition_not_found');
    });

    test('creation errors', async () => {
      await stream('defs-errors');
      await stream('defs-errors-2');
      const body = { data_stream_key: 'defs-errors', key: 'k', name: 'K', type: 'number' };
      assert.equal((await t.call('POST', URL, body)).status, 201);
      const taken = await t.call('POST', URL, { ...body, type: 'string' });
      assert.equal(taken.status, 422);
      assert.equal(taken.body.error, 'property_definition_key_taken');
      assert.equal((await t.call('POST', URL, { ...body, data_stream_key: 'defs-errors-2' })).status, 201, 'the same key in another stream');

      for (const data_stream_key of ['nope', 'not a key', 'nul\u0000']) {
        const unknown = await t.call('POST', URL, { ...body, data_stream_key });
        assert.equal(unknown.status, 422, data_stream_key);
        assert.equal(unknown.body.error, 'unknown_data_stream');
      }

      for (const bad of [
        { ...body, key: 'other', type: 'integer' },
        { ...body, key: '' },
        { ...body, key: 'k'.repeat(256) },
        { ...body, key: 'other', name: '' },
        { data_stream_key: 'defs-errors', key: 'x', type: 'string' },
        { data_stream_key: 'defs-errors', name: 'x', type: 'string' },
        { key: 'x', name: 'x', type: 'string' },
        { ...body, key: 'other', optional: 'maybe' },
        { ...body, key: 'nul\u0000' },
        { ...body, key: 'other', name: 'nul\u0000' },
      ]) {
        const res = await t.call('POST', URL, bad);
        assert.equal(res.status, 422, JSON.stringify(bad).slice(0, 80));
        assert.equal(res.body.error, 'validation_failed');
      }
    });

    test('key, type and data_stream_key cannot be changed', async () => {
      await stream('defs-immutable');
      const created = await t.call('POST', URL, { data_stream_key: 'defs-immutable', key: 'k', name: 'K', type: 'number' });
      for (const change of [{ type: 'string' }, { key: 'k2' }, { data_stream_key: 'defs' }, { type: 'number', name: 'x' }]) {
        const res = await t.call('PATCH', `${URL}/${created.body.id}`, change);
        assert.equal(res.status, 422, JSON.stringify(change));
        assert.equal(res.body.error, 'immutable_field');
      }
      assert.equal((await t.call('PATCH', `${URL}/${created.body.id}`, { name: '' })).status, 422);
      assert.equal((await t.call('PATCH', `${URL}/${created.body.id}`, { optional: 'perhaps' })).status, 422);
      assert.deepEqual((await t.call('GET', `${URL}/${created.body.id}`)).body, created.body, 'unchanged');
    });

    test('listing needs an existing data_stream_key', async () => {
      const missing = await t.call('GET', URL);
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error, 'invalid_filter', 'query string problems are invalid_filter');
      for (const key of ['no-such-stream', 'not%20a%20key']) {
        const unknown = await t.call('GET', `${URL}?data_stream_key=${key}`);
        assert.equal(unknown.status, 404, key);
        assert.equal(unknown.body.error, 'data_stream_not_found');
      }
      const nul = await t.call('GET', `${URL}?data_stream_key=%00`);
      assert.equal(nul.status, 422);
      assert.equal(nul.body.error, 'invalid_filter');
      await stream('defs-empty');
      assert.deepEqual((await t.call('GET', `${URL}?data_stream_key=defs-empty`)).body, []);
    });

    test('unknown and non-numeric ids answer 404', async () => {
      for (const id of ['999999', 'abc', '-1', '0', '1.0', '99999999999999999999']) {
        for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
          const res = await t.call(method, `${URL}/${id}`, method === 'PATCH' ? { name: 'x' } : undefined);
          assert.equal(res.status, 404, `${method} ${id}`);
          assert.equal(res.body.error, 'property_definition_not_found');
        }
      }
    });

    test('another environment sees nothing and can change nothing', async () => {
      await stream('defs-private');
      const mine = await t.call('POST', URL, { data_stream_key: 'defs-private', key: 'secret', name: 'S', type: 'string' });
      for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'hacked' }], ['PATCH', { type: 'number' }], ['DELETE', undefined]] as const) {
        const res = await t.call(method, `${URL}/${mine.body.id}`, body, { as: t.otherKey });
        assert.equal(res.status, 404, method);
        assert.equal(res.body.error, 'property_definition_not_found');
      }
      assert.deepEqual((await t.call('GET', `${URL}/${mine.body.id}`)).body, mine.body, 'untouched');
      assert.equal((await t.call('GET', `${URL}?data_stream_key=defs-private`, undefined, { as: t.otherKey })).status, 404);
      const create = await t.call('POST', URL, { data_stream_key: 'defs-private', key: 'x', name: 'x', type: 'string' }, { as: t.otherKey });
      assert.equal(create.status, 422);
      assert.equal(create.body.error, 'unknown_data_stream');
      // Their own stream of the same key has its own, empty, list.
      await stream('defs-private', t.otherKey);
      assert.deepEqual((await t.call('GET', `${URL}?data_stream_key=defs-private`, undefined, { as: t.otherKey })).body, []);
    });

    test('definitions govern the records written after them; deleting one lifts its rule', async () => {
      await stream('defs-records');
      const rec = (metadata?: Record<string, unknown>) => ({
        data_stream_key: 'defs-records',
        date: '2026-01-31',
        amount: 1,
        direction: 'debit',
        ...(metadata ? { metadata } : {}),
      });
      assert.equal((await t.call('POST', '/v1/records', rec())).status, 201);
      const def = await t.call('POST', URL, { data_stream_key: 'defs-records', key: 'cost_center', name: 'Cost center', type: 'number' });
      const refused = await t.call('POST', '/v1/records', rec());
      assert.equal(refused.body.error, 'metadata_required');
      assert.equal((await t.call('POST', '/v1/records', rec({ cost_center: 'A' }))).body.error, 'metadata_type_mismatch');
      assert.equal((await t.call('POST', '/v1/records', rec({ cost_center: 12 }))).status, 201);

      await t.call('PATCH', `${URL}/${def.body.id}`, { optional: true });
      assert.equal((await t.call('POST', '/v1/records', rec())).status, 201, 'optional now');
      assert.equal((await t.call('POST', '/v1/records', rec({ cost_center: 'A' }))).body.error, 'metadata_type_mismatch', 'still typed');

      await t.call('DELETE', `${URL}/${def.body.id}`);
      assert.equal((await t.call('POST', '/v1/records', rec({ cost_center: 'A' }))).status, 201, 'no rule any more');
    });

    test('deleting the stream removes its definitions', async () => {
      await stream('defs-doomed');
      const def = await t.call('POST', URL, { data_stream_key: 'defs-doomed', key: 'k', name: 'K', type: 'string' });
      assert.equal((await t.call('DELETE', '/v1/data_streams/defs-doomed')).status, 204);
      assert.equal((await t.call('GET', `${URL}/${def.body.id}`)).status, 404);
    });
  });
}
