import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

// The API keys API (docs/api-keys.md): what a dashboard user does with keys, and what must never show.

for (const backend of BACKENDS) {
  describe(`API keys API [${backend}]`, { timeout: 60_000 }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test('the current key and its environment', async () => {
      const res = await t.call('GET', '/v1/api_keys/current');
      assert.equal(res.status, 200);
      assert.equal(res.body.environment.name, 'test');
      assert.equal(res.body.key.current, true);
      assert.equal(res.body.key.revoked_at, null);
      assert.ok(t.key.startsWith(res.body.key.key_prefix.replace(/…$/, '')), 'the prefix is the start of the key');
      const other = await t.call('GET', '/v1/api_keys/current', undefined, { as: t.otherKey });
      assert.equal(other.body.environment.name, 'live');
      assert.notEqual(other.body.key.id, res.body.key.id);
    });

    test('create: the secret is in the 201 only, it works at once, and no later answer shows it or a hash', async () => {
      const created = await t.call('POST', '/v1/api_keys', { results_format: 'array' });
      assert.equal(created.status, 201);
      const secret: string = created.body.key;
      assert.match(secret, /^sk_test_[A-Za-z0-9_-]{27}$/);
      assert.equal(created.body.results_format, 'array');
      assert.equal(created.body.current, false);
      assert.ok(secret.startsWith(created.body.key_prefix.replace(/…$/, '')));
      assert.ok(created.body.key_prefix.length < secret.length - 20, 'the prefix is not enough to use the key');

      const asNew = await t.call('GET', '/v1/api_keys/current', undefined, { as: secret });
      assert.equal(asNew.status, 200);
      assert.equal(asNew.body.key.id, created.body.id);
      assert.equal(asNew.body.key.current, true);

      const list = await t.call('GET', '/v1/api_keys');
      assert.equal(list.status, 200);
      const text = JSON.stringify(list.body);
      assert.ok(!text.includes(secret), 'the secret is never listed');
      assert.ok(!/[0-9a-f]{64}/.test(text), 'no hash is listed');
      assert.ok(!/hash/.test(text));
      const ids = list.body.data.map((k: { id: number }) => k.id);
      assert.deepEqual(ids, [...ids].sort((a: number, b: number) => a - b), 'oldest first');
      assert.ok(ids.includes(created.body.id));
      assert.deepEqual(
        list.body.data.filter((k: { current: boolean }) => k.current).map((k: { id: number }) => k.id),
        [(await t.call('GET', '/v1/api_keys/current')).body.key.id],
        'exactly the caller is current',
      );
      for (const key of list.body.data) assert.deepEqual(Object.keys(key).sort(), ['created_at', 'current', 'id', 'key_prefix', 'results_format', 'revoked_at']);

      // A body is optional; an unknown format or field is refused.
      const plain = await t.call('POST', '/v1/api_keys');
      assert.equal(plain.status, 201);
      assert.equal(plain.body.results_format, 'page');
      assert.equal((await t.call('POST', '/v1/api_keys', { results_format: 'xml' })).status, 422);
      assert.equal((await t.call('POST', '/v1/api_keys', { environment: 'live' })).status, 422);
    });

    test("keys are per environment: another environment's key is neither listed nor revocable (404)", async () => {
      const theirs = await t.call('POST', '/v1/api_keys', undefined, { as: t.otherKey });
      assert.equal(theirs.status, 201);
      assert.match(theirs.body.key, /^sk_live_/, 'created in the caller environment');
      const mine = await t.call('GET', '/v1/api_keys');
      assert.ok(!mine.body.data.some((k: { id: number }) => k.id === theirs.body.id));
      const revoke = await t.call('DELETE', `/v1/api_keys/${theirs.body.id}`);
      assert.equal(revoke.status, 404);
      assert.equal(revoke.body.error, 'api_key_not_found');
      assert.equal((await t.call('GET', '/v1/api_keys/current', undefined, { as: theirs.body.key })).status, 200, 'still works');
      assert.equal((await t.call('DELETE', '/v1/api_keys/99999999')).status, 404);
      assert.equal((await t.call('DELETE', '/v1/api_keys/abc')).body.error, 'api_key_not_found');
    });

    test('revoke: the key answers 401 from the next call; revoking your own key is allowed; no key is 401', async () => {
      const created = await t.call('POST', '/v1/api_keys');
      const secret: string = created.body.key;
      const revoked = await t.call('DELETE', `/v1/api_keys/${created.body.id}`);
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.id, created.body.id);
      assert.ok(revoked.body.revoked_at);
      assert.equal((await t.call('GET', '/v1/data_streams', undefined, { as: secret })).status, 401);
      const again = await t.call('DELETE', `/v1/api_keys/${created.body.id}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.revoked_at, revoked.body.revoked_at, 'a second revocation keeps the first time');
      const listed = (await t.call('GET', '/v1/api_keys')).body.data.find((k: { id: number }) => k.id === created.body.id);
      assert.equal(listed.revoked_at, revoked.body.revoked_at);

      // Revoking the key the call is made with.
      const self = (await t.call('POST', '/v1/api_keys')).body;
      const own = await t.call('DELETE', `/v1/api_keys/${self.id}`, undefined, { as: self.key });
      assert.equal(own.status, 200);
      assert.equal(own.body.current, true);
      const next = await t.call('GET', '/v1/api_keys/current', undefined, { as: self.key });
      assert.equal(next.status, 401);
      assert.equal(next.body.error, 'unauthorized');

      const anonymous = await t.app.inject({ method: 'GET', url: '/v1/api_keys' });
      assert.equal(anonymous.statusCode, 401);
    });
  });
}
