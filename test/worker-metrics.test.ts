import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { serve, sluice, type Child, type Server } from './support/processes.js';

// `sluice worker` as an operator runs it beside an API-only server: its own /metrics port shows the work
// it did, and the flags that move or disable that port do what they say.

const KEY = 'sk_test_worker_metrics_tests_0123456789';

/** Resolves with the text `pattern` captures once the child prints it; rejects if the child exits first. */
function printed(child: Child, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
    const check = () => {
      const match = pattern.exec(child.output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    };
    child.proc.stdout?.on('data', check);
    child.proc.stderr?.on('data', check);
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before printing ${pattern}:\n${child.output()}`));
    });
    check();
  });
}

async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

for (const backend of BACKENDS) {
  describe(`sluice worker /metrics [${backend}]`, { timeout: 300_000 }, () => {
    let database: TestDatabase;
    let api: Server;
    const workers: Child[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { 'x-api-key': KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    before(async () => {
      database = await createTestDatabase(backend);
      api = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: KEY }, ['--no-worker']);
      assert.equal((await call('POST', '/v1/data_streams', { key: 'main', name: 'Main' })).status, 201);
    });
    after(async () => {
      for (const worker of workers) worker.kill();
      await api?.stop();
      await database?.drop();
    });

    test('the counters on the worker port move with the requests it processed', async () => {
      const worker = sluice(['worker'], { ...database.env, SLUICE_WORKER_METRICS_PORT: '0', SLUICE_WORKER_METRICS_HOST: '127.0.0.1', SLUICE_POLL_MS: '100' });
      workers.push(worker);
      const url = await printed(worker, /^Metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)$/m);
      const successful = 'sluice_items_processed_total{outcome="successful"}';
      const failed = 'sluice_items_processed_total{outcome="failed"}';
      const completed = 'sluice_bulk_requests_finished_total{status="completed"}';
      const before = await scrape(url);
      assert.ok(before.has('sluice_process_resident_memory_bytes'), 'process metrics are there too');

      const records = [
        ...Array.from({ length: 3 }, (_, i) => ({ data_stream_key: 'main', date: '2026-01-31', amount: 100 + i, direction: 'credit', external_id: `m-${i}` })),
        { data_stream_key: 'main', date: '2026-01-31', amount: 10.5, direction: 'credit' },
      ];
      const created = await call('POST', '/v1/records/bulk', { records });
      assert.equal(created.status, 202);
      let status = '';
      for (let i = 0; i < 1200 && status !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await call('GET', `/v1/bulk_requests/${created.body.id}`)).body.status as string;
      }
      assert.equal(status, 'completed', 'the worker did not process the request');

      // The worker counts after its commit, the API may answer `completed` first: poll rather than race it.
      let now = await scrape(url);
      for (let i = 0; i < 100 && (now.get(completed) ?? 0) <= (before.get(completed) ?? 0); i++) {
        await new Promise((r) => setTimeout(r, 50));
        now = await scrape(url);
      }
      const moved = (name: string) => (now.get(name) ?? 0) - (before.get(name) ?? 0);
      assert.deepEqual([moved(successful), moved(failed), moved(completed)], [3, 1, 1]);

      const other = await fetch(url.replace(/\/metrics$/, '/v1/data_streams'));
      assert.equal(other.status, 404, 'the metrics port serves nothing but /metrics');
      await other.arrayBuffer();

      worker.kill('SIGTERM');
      assert.equal(await worker.exited, 0, worker.output());
      await assert.rejects(fetch(url), 'the metrics port closes with the worker');
    });

    test('--no-metrics serves none; a taken port stops the start with a message that says what to do', async () => {
      const quiet = sluice(['worker', '--no-metrics'], { ...database.env, SLUICE_WORKER_METRICS_PORT: '0' });
      workers.push(quiet);
      await printed(quiet, /^Worker started on \w+$/m);
      quiet.kill('SIGTERM');
      assert.equal(await quiet.exited, 0, quiet.output());
      assert.doesNotMatch(quiet.output(), /Metrics on/);

      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = (holder.address() as AddressInfo).port;
      try {
        const clash = sluice(['worker', '--metrics-port', String(port)], { ...database.env, SLUICE_WORKER_METRICS_HOST: '127.0.0.1' });
        workers.push(clash);
        assert.equal(await clash.exited, 1, clash.output());
        assert.match(clash.output(), new RegExp(`cannot serve worker metrics on 127\\.0\\.0\\.1:${port}: the port is in use`));
        assert.match(clash.output(), /--no-metrics/);
        assert.doesNotMatch(clash.output(), /\n\s+at /, 'no stack for a taken port');
        assert.doesNotMatch(clash.output(), /Worker started/);
      } finally {
        holder.close();
      }
    });
  });
}
