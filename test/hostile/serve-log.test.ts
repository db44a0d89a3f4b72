import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/backends.js';
import { serve, type Server } from '../support/processes.js';
import { CSV, multipart } from './support.js';

// A real `sluice serve`, logging everything it logs (LOG_LEVEL=trace), taken through a hostile run: keys
// in headers, query strings and paths, in plain and percent-encoded forms, and the hostile requests of
// issue 10. Its whole output must hold none of the keys, no stack trace, and it must answer no 5xx.

const servers: Server[] = [];
const databases: TestDatabase[] = [];
after(async () => {
  for (const server of servers) server.kill('SIGKILL');
  await Promise.all(databases.map((d) => d.drop()));
});

const secret = () => randomBytes(16).toString('hex');

/** Bytes straight onto a socket, for what no HTTP client sends; resolves with all that came back. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

/** Status and parsed body of a raw HTTP answer. */
function parseAnswer(answer: string) {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  return { status, body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: string; message: string } };
}

for (const backend of BACKENDS) {
  describe(`the log of a hostile run holds no key and no stack [${backend}]`, () => {
    test('keys sent every which way never reach the log', async () => {
      const database = await createTestDatabase(backend);
      databases.push(database);
      const key = `sk_test_${secret()}`;
      const wrong = [`sk_test_${secret()}`, `sk_live_${secret()}`, `sk_test_${secret()}`, `sk_test_${secret()}`, `sk_live_${secret()}`];
      const bare = secret();
      const { DATABASE_URL, SLUICE_DATA_DIR, ...env } = process.env;
      void DATABASE_URL;
      void SLUICE_DATA_DIR;
      const server = await serve({ ...(env as Record<string, string>), ...database.env, LOG_LEVEL: 'trace', SLUICE_BOOTSTRAP_KEY: key });
      servers.push(server);

      const statuses: Array<[string, number]> = [];
      const send = async (path: string, init: RequestInit & { headers?: Record<string, string> } = {}, apiKey: string | null = key) => {
        const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...(apiKey ? { 'x-api-key': apiKey } : {}), ...(init.headers ?? {}) } });
        const body = await res.text();
        statuses.push([`${init.method ?? 'GET'} ${path.slice(0, 60)}`, res.status]);
        assert.ok(!body.includes(key.slice(8)), `the key is not echoed by ${path.slice(0, 60)}`);
        return { status: res.status, body };
      };
      const json = { 'content-type': 'application/json' };

      assert.equal((await send('/v1/data_streams', { method: 'POST', headers: json, body: JSON.stringify({ key: 'logs', name: 'logs' }) })).status, 201);
      // Keys where they do not belong: refused, and not logged either.
      assert.equal((await send(`/v1/data_streams?api_key=${key}`, {}, null)).status, 401);
      assert.equal((await send(`/v1/data_streams?x-api-key=${wrong[0]}`, {}, null)).status, 401);
      assert.equal((await send(`/v1/data_streams?X-API-KEY=${encodeURIComponent(wrong[1]!)}&limit=5`, {}, null)).status, 401);
      assert.equal((await send(`/v1/data_streams?token=${bare}`, {}, null)).status, 401);
      await send(`/v1/records?data_stream_key=${encodeURIComponent(key).replace('_', '%5F')}`);
      await send(`/v1/records/${wrong[2]}`);
      await send(`/v1/data_streams/${wrong[3]}/uploads?api_key=${key}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV });
      assert.equal((await send('/v1/data_streams', {}, wrong[4])).status, 401);

      // The hostile requests of issue 10.
      const deep = `{"records":[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]}`;
      assert.equal((await send('/v1/records/bulk', { method: 'POST', headers: json, body: deep })).status, 400);
      const nul = { records: [{ date: '2026-01-01', data_stream_key: 'logs\u0000', amount: 1, direction: 'credit' }] };
      assert.equal((await send('/v1/records/bulk', { method: 'POST', headers: json, body: JSON.stringify(nul) })).status, 202);
      const infinite = '{"records":[{"date":"2026-01-01","data_stream_key":"logs","amount":1e400,"direction":"credit"}]}';
      assert.equal((await send('/v1/records/bulk', { method: 'POST', headers: json, body: infinite })).status, 202);
      assert.equal((await send('/v1/bulk_requests/1?offset=99999999999999999999')).status, 422);
      assert.equal((await send('/v1/data_streams/logs/uploads', { method: 'POST', headers: json, body: '{}' })).status, 415);
      const b = 'b0undary';
      const tooMany = multipart(b, [...Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'x' })), { name: 'file', filename: 'a.csv', value: CSV }]);
      for (const [type, body] of [
        [`multipart/form-data; boundary=${b}`, tooMany],
        ['multipart/form-data', tooMany],
        [`multipart/form-data; boundary=${'x'.repeat(5000)}`, multipart('x'.repeat(5000), [{ name: 'file', filename: 'a.csv', value: CSV }])],
        [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${CSV}`],
      ]) {
        assert.equal((await send('/v1/data_streams/logs/uploads', { method: 'POST', headers: { 'content-type': type! }, body: body! })).status, 400, type!.slice(0, 40));
      }
      assert.equal((await send(`/v1/data_streams/${'k'.repeat(150)}`)).status, 414);
      assert.equal((await send('/v1/data_streams/%zz')).status, 400);
      assert.equal((await send('/v1/records/bulk', { method: 'POST', headers: json, body: '{"records": [' })).status, 400);
      assert.equal((await send('/v1/data_streams', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0x7d]) })).status, 400);

      // What Node's HTTP parser refuses before Fastify sees a request, in the catalogue's shape too.
      const garbage = parseAnswer(await rawRequest(server.url, `GARBAGE ${key}\r\n\r\n`));
      assert.deepEqual([garbage.status, garbage.body.error], [400, 'bad_request']);
      const hugeHeaders = parseAnswer(await rawRequest(server.url, `GET /v1/data_streams HTTP/1.1\r\nHost: x\r\nX-API-KEY: ${key}\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`));
      assert.deepEqual([hugeHeaders.status, hugeHeaders.body.error], [431, 'headers_too_large']);
      const badLength = await rawRequest(server.url, `POST /v1/data_streams HTTP/1.1\r\nHost: x\r\nX-API-KEY: ${key}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}`);
      assert.equal(parseAnswer(badLength).status, 400);

      // Still serving, then a graceful stop so that every line is flushed.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await send('/v1/data_streams')).status, 200);
      assert.equal(await server.stop(), 0);

      const fives = statuses.filter(([, status]) => status >= 500);
      assert.deepEqual(fives, [], 'no request answered 5xx');
      const log = server.output();
      assert.match(log, /incoming request/, 'requests were logged');
      assert.match(log, /\[redacted\]/, 'and their keys redacted');
      for (const secretPart of [key, ...wrong].map((k) => k.slice(8)).concat(bare)) {
        const line = log.split('\n').find((l) => l.includes(secretPart));
        assert.equal(line, undefined, `a key's secret part is in the log: ${line?.replaceAll(secretPart, '<secret>').slice(0, 400)}`);
      }
      assert.doesNotMatch(log, /"stack"|\n\s+at .+:\d+:\d+/, 'no stack trace in the log');
      assert.doesNotMatch(log, /"level":(50|60)/, 'nothing logged as an error');
    });
  });
}
