// The life of one measured ingest: a fresh database, a fresh `sluice serve` (and workers), a data stream,
// the scenario's traffic with the status sampler running, the server's peak RSS, the checks, then
// everything stopped and dropped, whatever happened. Also the upload helper both file scenarios use.

import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createBenchDatabase, type Backend, type BenchDatabase, type Sql } from '../support/databases.js';
import { engineSeconds } from '../support/engine-phase.js';
import { Sampler, type LatencySummary } from '../support/latency.js';
import { peakRss, startServer, startWorker, type Server, type SluiceProcess } from '../support/sluice.js';
import { streamId, type Check } from '../support/verify.js';
import type { RunOptions, ScenarioName, ScenarioResult } from './types.js';

export const API_KEY = 'sk_test_sluice_bench_0123456789abcdef';
export const STREAM = 'bench';
const MB = 1024 * 1024;

export interface Api {
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

export interface IngestEnv {
  backend: Backend;
  api: Api;
  sampler: Sampler;
  sql: Sql;
  server: Server;
  database: BenchDatabase;
  options: RunOptions;
  /** The `sluice worker` processes of the run (serve's embedded worker, when it has one, is not among them). */
  workers: SluiceProcess[];
  /** The environment the Sluice processes were started with. */
  sluiceEnv: Record<string, string>;
}

/** Which processes run Sluice: serve with or without its embedded worker, and how many `sluice worker`s. */
export interface Layout {
  embeddedWorker: boolean;
  workers: number;
  /** PostgreSQL: the application_name of the processes' sessions, so pg_stat_activity can tell them apart. */
  applicationName?: string;
}

export interface IngestOutcome {
  rows: number;
  seconds: number;
  phases: Record<string, number>;
  checks: Check[];
  notes?: string[];
  activity?: unknown;
}

function apiFor(url: string): Api {
  return {
    url,
    async call(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'x-api-key': API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
  };
}

/** Generous: a deadline is there to end a hung run, never to judge speed. */
export function deadlineMs(rows: number): number {
  return 180_000 + rows * 2;
}

/** Databases of scenarios in progress, for run.ts to drop when the bench is interrupted. */
export const activeDatabases = new Set<BenchDatabase>();

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function measureIngest(
  scenario: ScenarioName,
  backend: Backend,
  options: RunOptions,
  body: (env: IngestEnv) => Promise<IngestOutcome>,
  layout: Layout = { embeddedWorker: true, workers: options.extraWorkers },
): Promise<Omit<ScenarioResult, 'reference' | 'ratio'>> {
  const loadStart = loadavg()[0]!;
  let database: BenchDatabase | undefined;
  let server: Server | undefined;
  const workers: SluiceProcess[] = [];
  let sampler: Sampler | undefined;
  let sql: Sql | undefined;
  try {
    database = await createBenchDatabase(backend);
    activeDatabases.add(database);
    const env: Record<string, string> = {
      ...database.env,
      ...(layout.applicationName && database.env.DATABASE_URL ? { DATABASE_URL: `${database.env.DATABASE_URL}&application_name=${layout.applicationName}` } : {}),
      SLUICE_BOOTSTRAP_KEY: API_KEY,
      // The bench is one client hammering one key: the per-key rate limit would measure itself.
      SLUICE_RATE_LIMIT_MAX: '10000000',
      // The request log (each answer's responseTime, inside the server) is at info level.
      ...(options.serverLogDir ? { LOG_LEVEL: 'info' } : {}),
      ...options.sluiceEnv,
    };
    // The profile is written when serve exits, which the graceful stop below makes it do.
    const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, `${scenario}-${backend}`)}`] : [];
    const logFile = options.serverLogDir ? join(options.serverLogDir, `${scenario}-${backend}.log`) : undefined;
    server = await startServer(env, profile, layout.embeddedWorker ? [] : ['--no-worker'], logFile);
    // Side by side: each start loads the CLI (seconds from source), and a run with 4 waits for the slowest only.
    const started = await Promise.allSettled(Array.from({ length: layout.workers }, () => startWorker(env)));
    for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const api = apiFor(server.url);
    const created = await api.call('POST', '/v1/data_streams', { key: STREAM, name: 'Benchmark stream' });
    if (created.status !== 201) throw new Error(`creating the data stream: ${created.status} ${JSON.stringify(created.body)}`);
    sql = await database.connectSql();
    sampler = new Sampler(server.url, API_KEY, options.intervalMs);
    const outcome = await body({ backend, api, sampler, sql, server, database, options, workers, sluiceEnv: env });
    const samples = await sampler.stop();
    sampler = undefined;
    const peak = peakRss(server.pid) / MB;
    const workerPeak = workers.length === 0 ? null : Math.max(...workers.map((w) => peakRss(w.pid))) / MB;
    const engine = await engineSeconds(sql, await streamId(sql, STREAM));
    const status: LatencySummary = samples.status;
    const notes = [...(outcome.notes ?? [])];
    if (status.errors > 0) notes.push(`${status.errors} status reads failed (last: ${samples.lastError})`);
    return {
      scenario,
      db: backend,
      rows: outcome.rows,
      seconds: round(outcome.seconds),
      rowsPerSecond: Math.round(outcome.rows / outcome.seconds),
      phases: outcome.phases,
      engine: engine === null ? null : { seconds: round(engine), rowsPerSecond: Math.round(outcome.rows / engine), schemaRatio: null },
      peakRssMb: Math.round(peak),
      ...(workerPeak === null ? {} : { workerPeakRssMb: Math.round(workerPeak) }),
      ...(outcome.activity === undefined ? {} : { activity: outcome.activity }),
      statusLatencyMs: status,
      load: { start: round(loadStart), end: round(loadavg()[0]!) },
      checks: outcome.checks,
      ok: outcome.checks.every((c) => c.ok) && status.errors === 0,
      ...(notes.length > 0 ? { notes } : {}),
    };
  } catch (error) {
    const output = server ? `\n--- sluice serve output (tail) ---\n${server.output().slice(-4000)}` : '';
    return {
      scenario,
      db: backend,
      rows: 0,
      seconds: null,
      rowsPerSecond: null,
      phases: {},
      peakRssMb: null,
      statusLatencyMs: null,
      load: { start: round(loadStart), end: round(loadavg()[0]!) },
      checks: [],
      ok: false,
      error: `${(error as Error).stack ?? String(error)}${output}`,
    };
  } finally {
    sampler?.kill();
    await sql?.close().catch(() => {});
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
    await database?.drop().catch((error: unknown) => console.error(`dropping the ${backend} database failed:`, error));
    if (database) activeDatabases.delete(database);
  }
}

/** Streams a file as a raw-body upload; returns the id of its bulk request once the 202 has come. */
export async function postUpload(url: string, file: string, contentType: string, filename: string): Promise<number> {
  const res = await fetch(`${url}/v1/data_streams/${STREAM}/uploads?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': contentType },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { id: number }).id;
}

/**
 * Streams a file as a raw-body upload and waits for its request to end. The sampler finds the request as
 * soon as it exists (before the 202, which comes only once the whole file is staged) and watches it.
 */
export async function uploadFile(
  env: IngestEnv,
  file: string,
  contentType: string,
  filename: string,
  rows: number,
): Promise<{ final: Record<string, unknown>; seconds: number; phases: Record<string, number> }> {
  env.sampler.discover(0);
  const started = performance.now();
  const id = await postUpload(env.api.url, file, contentType, filename);
  const accepted = performance.now();
  env.sampler.watch(id);
  const final = await env.sampler.final(id, deadlineMs(rows));
  const done = performance.now();
  return {
    final,
    seconds: (done - started) / 1000,
    phases: { uploadSeconds: round((accepted - started) / 1000), processSeconds: round((done - accepted) / 1000) },
  };
}

/**
 * Waits until no request is pending or processing (of `stream`, or of any stream). Pending first, then
 * processing: nothing goes back to pending here, so two empty answers in this order mean every request has ended.
 */
export async function waitUntilDrained(api: Api, timeoutMs: number, stream?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const filter = stream === undefined ? '' : `data_stream_key=${stream}&`;
  for (;;) {
    const pending = await api.call('GET', `/v1/bulk_requests?${filter}status=pending&limit=1`);
    const processing = pending.body.data && (pending.body.data as unknown[]).length === 0
      ? await api.call('GET', `/v1/bulk_requests?${filter}status=processing&limit=1`)
      : pending;
    if ((processing.body.data as unknown[] | undefined)?.length === 0) return;
    if (Date.now() > deadline) throw new Error('bulk requests did not all end before the deadline');
    await new Promise((r) => setTimeout(r, 100));
  }
}
