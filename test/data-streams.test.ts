import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

for (const backend of BACKENDS) {
  describe(`data streams [${backend}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test('create, get, list, patch and delete a stream', async () => {
      const created = await t.call('POST', '/v1/data_streams', { key: 'bank-main', name: 'Bank', description: 'Main account' });
      assert.equal(created.status, 201);
      assert.equal(created.body.key, 'bank-main');
      assert.equal(created.body.type, 'api');
      assert.equal(typeof created.body.id, 'number');

      const got = await t.call('GET', '/v1/data_streams/bank-main');
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, created.body);

      const patched = await t.call('PATCH', '/v1/data_streams/bank-main', { name: 'Bank (renamed)' });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.name, 'Bank (renamed)');
      assert.equal(patched.body.description, 'Main account');

      const list = await t.call('GET', '/v1/data_streams');
      assert.deepEqual(list.body.map((s: { key: string }) => s.key), ['bank-main']);

      assert.equal((await t.call('DELETE', '/v1/data_streams/bank-main')).status, 204);
      assert.equal((await t.call('GET', '/v1/data_streams/bank-main')).status, 404);
    });

    test('a duplicate key answers 422 data_stream_key_taken; a bad key answers 422 invalid_data_stream_key', async () => {
      await t.call('POST', '/v1/data_streams', { key: 'dup', name: 'One' });
      const again = await t.call('POST', '/v1/data_streams', { key: 'dup', name: 'Two' });
      assert.equal(again.status, 422);
      assert.equal(again.body.error, 'data_stream_key_taken');
      for (const key of ['', 'has space', 'x'.repeat(65), 'slash/no']) {
        const bad = await t.call('POST', '/v1/data_streams', { key, name: 'Bad' });
        assert.equal(bad.status, 422, key);
        assert.equal(bad.body.error, 'invalid_data_stream_key', key);
      }
    });

    test('streams of another environment are invisible', async () => {
      await t.call('POST', '/v1/data_streams', { key: 'private', name: 'Mine' });
      const other = await t.call('GET', '/v1/data_streams/private', undefined, { as: t.otherKey });
      assert.equal(other.status, 404);
      assert.equal(other.body.error, 'data_stream_not_found');
      const list = await t.call('GET', '/v1/data_streams', undefined, { as: t.otherKey });
      assert.deepEqual(list.body, []);
      // The same key is free in the other environment.
      const theirs = await t.call('POST', '/v1/data_streams', { key: 'private', name: 'Theirs' }, { as: t.otherKey });
      assert.equal(theirs.status, 201);
    });

    test('requests without a valid key answer 401', async () => {
      const none = await t.app.inject({ method: 'GET', url: '/v1/data_streams' });
      assert.equal(none.statusCode, 401);
      assert.equal(JSON.parse(none.body).error, 'unauthorized');
      const wrong = await t.call('GET', '/v1/data_streams', undefined, { as: 'sk_test_not-a-real-key-at-all' });
      assert.equal(wrong.status, 401);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`text the database cannot hold [${backend}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test('NUL in a path, a query or a stream field answers 422, never 500', async () => {
      const path = await t.call('GET', '/v1/data_streams/a%00b');
      assert.equal(path.status, 422);
      assert.equal(path.body.error, 'validation_failed');
      const query = await t.call('GET', '/v1/bulk_requests?source=csv%00');
      assert.equal(query.status, 422);
      assert.equal(query.body.error, 'invalid_filter');
      const body = await t.call('POST', '/v1/data_streams', { key: 'nul', name: 'a\u0000b' });
      assert.equal(body.status, 422);
      await t.call('POST', '/v1/data_streams', { key: 'nul', name: 'ok' });
      const patch = await t.call('PATCH', '/v1/data_streams/nul', { description: '\u0000' });
      assert.equal(patch.status, 422);
    });
  });
}
