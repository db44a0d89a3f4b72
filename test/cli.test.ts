import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type Backend, type TestDatabase } from './support/backends.js';

// The CLI as an operator meets it: real processes, real ports, real signals, on both databases.

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const REPO = fileURLToPath(new URL('..', import.meta.url));
const children = new Set<ChildProcess>();
const databases: TestDatabase[] = [];

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(databases.map((d) => d.drop()));
});

async function freshDatabase(backend: Backend): Promise<TestDatabase> {
  const database = await createTestDatabase(backend);
  databases.push(database);
  return database;
}

/** Only what the test names: an inherited DATABASE_URL or bootstrap key must not leak into the child. */
function childEnv(database: TestDatabase | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL, SLUICE_DATA_DIR, SLUICE_BOOTSTRAP_KEY, PORT, HOST, LOG_LEVEL, SLUICE_URL, SLUICE_API_KEY, ...rest } = process.env;
  return { ...rest, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', SLUICE_WORKER_METRICS_PORT: '0', ...(database?.env ?? {}), ...extra };
}

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sluice(args: string[], env: NodeJS.ProcessEnv): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Server {
  url: string;
  stdout(): string;
  /** SIGTERM, then how it ended and how long it took. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Starts a long-running command and waits for the line that says it is ready. */
function start(args: string[], env: NodeJS.ProcessEnv, ready = /^Listening on (http:\/\/\S+)/m): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${stdout}\n${stderr}`)), 60_000);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${stdout}\n${stderr}`));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = ready.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1] ?? '',
        stdout: () => stdout,
        async stop() {
          const started = Date.now();
          child.kill('SIGTERM');
          const end = await exited;
          return { ...end, ms: Date.now() - started };
        },
      });
    });
  });
}

async function status(url: string, key?: string): Promise<number> {
  const res = await fetch(`${url}/v1/data_streams`, { headers: key ? { 'x-api-key': key } : {} });
  await res.arrayBuffer();
  return res.status;
}

const KEY = /sk_[a-z][a-z0-9_]*_[A-Za-z0-9_-]{27}/g;

for (const backend of BACKENDS) {
  describe(`cli [${backend}]`, { timeout: 600_000 }, () => {
    test('migrate applies the schema once and is a no-op the second time', async () => {
      const env = childEnv(await freshDatabase(backend));
      const first = await sluice(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Applied \d+ migration\(s\): 0001_initial/);
      const second = await sluice(['migrate'], env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /up to date/);
    });

    test('the first serve on an empty database prints one bootstrap key, a second start prints none; SIGTERM exits 0', async () => {
      const env = childEnv(await freshDatabase(backend));
      const first = await start(['serve'], env);
      const keys = first.stdout().match(KEY) ?? [];
      assert.equal(keys.length, 1, first.stdout());
      assert.match(first.stdout(), /Created environment 'test'\. Your API key \(shown only once\)/);
      const key = keys[0] ?? '';
      assert.match(key, /^sk_test_/);
      assert.equal(await status(first.url, key), 200);
      assert.equal(await status(first.url), 401);
      const stopped = await first.stop();
      assert.deepEqual({ code: stopped.code, signal: stopped.signal }, { code: 0, signal: null });
      assert.ok(stopped.ms < 10_000, `took ${stopped.ms} ms`);

      const second = await start(['serve'], env);
      assert.doesNotMatch(second.stdout(), /sk_/);
      assert.equal(await status(second.url, key), 200);
      assert.equal((await second.stop()).code, 0);
    });

    test('SLUICE_BOOTSTRAP_KEY becomes the first key and is not echoed', async () => {
      const chosen = `ops_chosen_${backend}_key_0123456789abcdef`;
      const server = await start(['serve', '--no-worker'], childEnv(await freshDatabase(backend), { SLUICE_BOOTSTRAP_KEY: chosen }));
      assert.match(server.stdout(), /with the API key from SLUICE_BOOTSTRAP_KEY/);
      assert.ok(!server.stdout().includes(chosen));
      assert.equal(await status(server.url, chosen), 200);
      assert.equal((await server.stop()).code, 0);
    });

    test('keys create, list and revoke against a running server', async () => {
      const env = childEnv(await freshDatabase(backend));
      const server = await start(['serve', '--no-worker'], env);
      const bootstrapKey = (server.stdout().match(KEY) ?? [])[0] ?? '';

      const created = await sluice(['keys', 'create', '--environment', 'live'], env);
      assert.equal(created.code, 0, created.stderr);
      const liveKey = (created.stdout.match(KEY) ?? [])[0] ?? '';
      assert.match(liveKey, /^sk_live_[A-Za-z0-9_-]{27}$/);
      const id = /API key (\d+) for environment 'live'/.exec(created.stdout)?.[1];
      assert.ok(id, created.stdout);
      assert.equal(await status(server.url, liveKey), 200);

      const listed = await sluice(['keys', 'list'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /live/);
      assert.match(listed.stdout, new RegExp(`^${id}\\s+${liveKey.slice(0, 12)}…\\s+live\\s`, 'm'));
      for (const key of [liveKey, bootstrapKey]) {
        assert.ok(!listed.stdout.includes(key.slice(0, 16)), 'keys list shows more than a short prefix');
      }

      const revoked = await sluice(['keys', 'revoke', id], env);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(await status(server.url, liveKey), 401);
      assert.equal(await status(server.url, bootstrapKey), 200);
      assert.match((await sluice(['keys', 'list'], env)).stdout, new RegExp(`^${id}\\s.*live\\s+\\S+Z\\s+\\S+Z\\s+page$`, 'm'));

      const [unknown, badName] = await Promise.all([
        sluice(['keys', 'revoke', '999999'], env),
        sluice(['keys', 'create', '--environment', 'Live-1'], env),
      ]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no API key 999999/);
      assert.equal(badName.code, 1);
      assert.match(badName.stderr, /Environment names are/);

      assert.equal((await server.stop()).code, 0);
    });

    test('streams create and list, seen by the API', async () => {
      const env = childEnv(await freshDatabase(backend));
      const key = (await sluice(['keys', 'create', '--environment', 'ops'], env)).stdout.match(KEY)?.[0] ?? '';
      const created = await sluice(['streams', 'create', 'bank-main', '--name', 'Main account', '--environment', 'ops'], env);
      assert.equal(created.code, 0, created.stderr);
      const [again, badKey, noEnv, listed] = await Promise.all([
        sluice(['streams', 'create', 'bank-main', '--name', 'Again', '--environment', 'ops'], env),
        sluice(['streams', 'create', 'has space', '--name', 'X', '--environment', 'ops'], env),
        sluice(['streams', 'create', 'x', '--name', 'X', '--environment', 'nowhere'], env),
        sluice(['streams', 'list', '--environment', 'ops'], env),
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already has a data stream 'bank-main'/);
      assert.equal(badKey.code, 1);
      assert.match(badKey.stderr, /A data stream key is 1-64 characters/);
      assert.equal(noEnv.code, 1);
      assert.match(noEnv.stderr, /no environment 'nowhere'/);
      assert.match(listed.stdout, /^bank-main\s+Main account\s+\d+\s/m);

      const server = await start(['serve', '--no-worker'], env);
      const res = await fetch(`${server.url}/v1/data_streams/bank-main`, { headers: { 'x-api-key': key } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { name: string }).name, 'Main account');
      assert.equal((await server.stop()).code, 0);
    });

    test('SIGTERM mid-request gives the lease back: a restart resumes at once and nothing is lost or doubled', async () => {
      // Small chunks and one request at a time, so a stop lands mid-request; a lease of 10 minutes means a
      // restart that resumes within the test's time can only have found the lease released.
      const database = await freshDatabase(backend);
      const env = childEnv(database, { SLUICE_CHUNK_SIZE: '5', SLUICE_WORKER_CONCURRENCY: '1', SLUICE_LEASE_MS: '600000' });
      let key = '';
      const api = (url: string, method: string, path: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method,
          headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, any> }));

      // Queue the work with no worker running, so that it all starts when the next process does.
      const queueing = await start(['serve', '--no-worker'], env);
      key = queueing.stdout().match(KEY)?.[0] ?? '';
      assert.equal((await api(queueing.url, 'POST', '/v1/data_streams', { key: 'main', name: 'Main' })).status, 201);
      const ids: number[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const records = Array.from({ length: 500 }, (_, i) => ({
          data_stream_key: 'main',
          date: '2026-01-31',
          amount: 100 + i,
          direction: 'credit',
          external_id: `b${batch}-${i}`,
        }));
        const created = await api(queueing.url, 'POST', '/v1/records/bulk', { on_conflict: 'error', records });
        assert.equal(created.status, 202);
        ids.push(created.body.id as number);
      }
      assert.equal((await queueing.stop()).code, 0);

      const working = await start(['serve'], env);
      for (let i = 0; i < 5000; i++) {
        const state = (await api(working.url, 'GET', `/v1/bulk_requests?status=processing`)).body;
        if ((state.data as { processed_items: number }[]).some((r) => r.processed_items > 0)) break;
      }
      const stopped = await working.stop();
      assert.deepEqual({ code: stopped.code, signal: stopped.signal }, { code: 0, signal: null });
      assert.ok(stopped.ms < 10_000, `took ${stopped.ms} ms`);

      // What the stop left behind: no lease held, one request given back half done.
      const { connect } = await import('../src/db/connect.js');
      const store = await connect(database.connectOptions);
      const rows = await store.db
        .selectFrom('bulk_requests')
        .select(['id', 'status', 'next_index', 'total_items', 'lease_owner', 'released_claims'])
        .orderBy('id')
        .execute();
      await store.close();
      assert.deepEqual(rows.filter((r) => r.status === 'processing' || r.lease_owner !== null), [], 'a lease is still held');
      assert.ok(
        rows.some((r) => r.status === 'pending' && r.released_claims > 0 && r.next_index > 0 && r.next_index < r.total_items),
        `no request was given back half done: ${JSON.stringify(rows)}`,
      );

      const resumed = await start(['serve'], env);
      const deadline = Date.now() + 120_000;
      for (const id of ids) {
        for (;;) {
          const got = (await api(resumed.url, 'GET', `/v1/bulk_requests/${id}`)).body;
          if (got.status === 'completed') {
            assert.deepEqual(
              [got.successful_items, got.failed_items, got.skipped_items, got.processed_items],
              [500, 0, 0, 500],
              `request ${id}: a duplicate would fail under on_conflict error`,
            );
            break;
          }
          assert.ok(Date.now() < deadline, `request ${id} did not resume: ${JSON.stringify(got)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.equal((await resumed.stop()).code, 0);
    });

    test('worker starts and exits 0 on SIGTERM', async () => {
      const worker = await start(['worker'], childEnv(await freshDatabase(backend)), /^Worker started on \w+/m);
      const stopped = await worker.stop();
      assert.deepEqual({ code: stopped.code, signal: stopped.signal }, { code: 0, signal: null });
      assert.ok(stopped.ms < 10_000, `took ${stopped.ms} ms`);
    });
  });
}

describe('cli configuration errors', () => {
  test('a bad variable exits 2 with one clear line per problem and no stack', async () => {
    const result = await sluice(['serve'], childEnv(undefined, { PORT: 'abc', SLUICE_CHUNK_SIZE: '0', SLUICE_DATA_DIR: '/nonexistent/never' }));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /PORT must be a whole number between 0 and 65535 \(got "abc"\)/);
    assert.match(result.stderr, /SLUICE_CHUNK_SIZE must be between 1 and 100000/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.equal(result.stdout, '');
  });

  test('an unknown command exits 2', async () => {
    const result = await sluice(['frobnicate'], childEnv(undefined));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });
});
