// Status-read sampler, run as its own process (bench/support/latency.ts forks it) so that what it measures
// is the server's answer time, not the turns of the bench's event loop while it streams an upload or posts
// JSON. Every `intervalMs` it reads GET /v1/bulk_requests/{id} of the request it watches, one read at a time
// (a slow answer delays the next sample rather than piling reads up), and tells the parent when the request
// reaches a final status. Before the id is known (an upload's 202 comes only once the file is staged) it
// finds the request in GET /v1/bulk_requests?limit=1, timed apart.

type Command =
  | { type: 'start'; url: string; key: string; intervalMs: number }
  | { type: 'watch'; id: number }
  | { type: 'discover'; after: number }
  | { type: 'stop' };

const FINAL = new Set(['completed', 'failed', 'cancelled']);

let base = '';
let key = '';
let intervalMs = 100;
let watching: number | null = null;
let discoverAfter: number | null = null;
let stopped = false;
const latencies: number[] = [];
const listLatencies: number[] = [];
let errors = 0;
let lastError = '';

async function timedGet(path: string): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
  const body = await res.text();
  return { ms: performance.now() - started, status: res.status, body };
}

async function sampleOnce(): Promise<void> {
  if (watching !== null) {
    const id = watching;
    const { ms, status, body } = await timedGet(`/v1/bulk_requests/${id}`);
    if (status !== 200) throw new Error(`GET /v1/bulk_requests/${id}: ${status} ${body.slice(0, 200)}`);
    latencies.push(ms);
    const row = JSON.parse(body) as { status: string };
    if (FINAL.has(row.status)) process.send!({ type: 'final', id, body: JSON.parse(body) as unknown });
  } else if (discoverAfter !== null) {
    const { ms, status, body } = await timedGet('/v1/bulk_requests?limit=1');
    if (status !== 200) throw new Error(`GET /v1/bulk_requests: ${status} ${body.slice(0, 200)}`);
    listLatencies.push(ms);
    const first = (JSON.parse(body) as { data: Array<{ id: number }> }).data[0];
    if (first && first.id > discoverAfter) {
      discoverAfter = null;
      watching = first.id;
      process.send!({ type: 'found', id: first.id });
    }
  }
}

async function loop(): Promise<void> {
  while (!stopped) {
    const started = performance.now();
    try {
      await sampleOnce();
    } catch (error) {
      errors++;
      lastError = (error as Error).message;
    }
    const wait = intervalMs - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

process.on('message', (message: Command) => {
  switch (message.type) {
    case 'start':
      base = message.url;
      key = message.key;
      intervalMs = message.intervalMs;
      // The first fetch of a process loads and sets up its HTTP client (undici) and opens a connection:
      // 50-300 ms here, all of it the sampler's own. It was the slowest "status read" of every scenario
      // (sample 0). One untimed request first, so that samples time the server's answers only.
      void fetch(`${base}/healthz`)
        .then((res) => res.text())
        .catch(() => {})
        .then(loop);
      break;
    case 'watch':
      watching = message.id;
      discoverAfter = null;
      break;
    case 'discover':
      watching = null;
      discoverAfter = message.after;
      break;
    case 'stop':
      stopped = true;
      process.send!({ type: 'samples', latencies, listLatencies, errors, lastError }, () => process.exit(0));
      break;
  }
});
// The parent went away (a crashed bench): do not linger.
process.on('disconnect', () => process.exit(0));
