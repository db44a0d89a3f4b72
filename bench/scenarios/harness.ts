// The life of one measured ingest: a fresh database, a fresh `sluice serve` (and workers), a data stream,
// the scenario's traffic with the status sampler running, the server's peak RSS, the checks, then
// everything stopped and dropped, whatever happened. Also the upload helper both file scenarios use.

import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createBenchDatabase, type Backend, type BenchDatabase, type Sql } from '../support/databases.js';
import { Sampler, type LatencySummary } from '../support/latency.js';
import { peakRss, startServer, startWorker, type Server, type SluiceProcess } from '../support/sluice.js';
import type { Check } from '../support/verify.js';
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
}

export interface IngestOutcome {
  rows: number;
  seconds: number;
  phases: Record<string, number>;
  checks: Check[];
  notes?: string[];
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
      SLUICE_BOOTSTRAP_KEY: API_KEY,
      // The bench is one client hammering one key: the per-key rate limit would measure itself.
      SLUICE_RATE_LIMIT_MAX: '10000000',
      ...options.sluiceEnv,
    };
    // The profile is written when serve exits, which the graceful stop below makes it do.
    const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, `${scenario}-${backend}`)}`] : [];
    server = await startServer(env, profile);
    for (let w = 0; w < options.workers; w++) workers.push(await startWorker(env));
    const api = apiFor(server.url);
    const created = await api.call('POST', '/v1/data_streams', { key: STREAM, name: 'Benchmark stream' });
    if (created.status !== 201) throw new Error(`creating the data stream: ${created.status} ${JSON.stringify(created.body)}`);
    sql = await database.connectSql();
    sampler = new Sampler(server.url, API_KEY, options.intervalMs);
    const outcome = await body({ backend, api, sampler, sql, server, database, options });
    const samples = await sampler.stop();
    sampler = undefined;
    const peak = peakRss(server.pid) / MB;
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
      peakRssMb: Math.round(peak),
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
  const res = await fetch(`${env.api.url}/v1/data_streams/${STREAM}/uploads?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': contentType },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${text.slice(0, 500)}`);
  const accepted = performance.now();
  const id = (JSON.parse(text) as { id: number }).id;
  env.sampler.watch(id);
  const final = await env.sampler.final(id, deadlineMs(rows));
  const done = performance.now();
  return {
    final,
    seconds: (done - started) / 1000,
    phases: { uploadSeconds: round((accepted - started) / 1000), processSeconds: round((done - accepted) / 1000) },
  };
}
