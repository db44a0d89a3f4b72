import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.js';
import type { TestDatabase } from './backends.js';
import type { Child } from './processes.js';

// What the fault suite sends and checks. Rows are numbered; row i has external id `f-<i>` and an amount
// computed from i in minor units, so what must have landed after any kill or restart is known exactly:
// the count, the sum of amounts, the set of external ids, and no id twice. Checked on the records table,
// which is what a user reads back; never on staging, whose shape is free to change.

/** SLUICE_CHAOS=1 (`npm run chaos`): the full sizes and every kill point; otherwise the fast variant. */
export const CHAOS = process.env.SLUICE_CHAOS === '1';

export const amountOf = (i: number) => 1 + ((i * 7919) % 1_000_000);
export const externalIdOf = (i: number) => `f-${i}`;

/** A CSV file of rows [from, to): amounts as major units with 2 decimals (USD). */
export function* csvOf(from: number, to: number): Generator<Buffer> {
  yield Buffer.from('date,amount,description,external_id\n');
  for (let start = from; start < to; start += 1000) {
    let text = '';
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      const minor = amountOf(i);
      text += `2026-02-${String((i % 28) + 1).padStart(2, '0')},${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')},"Row ${i}, faults",${externalIdOf(i)}\n`;
    }
    yield Buffer.from(text);
  }
}

/** JSON records of rows [from, to) for POST /v1/records/bulk. */
export function jsonOf(stream: string, from: number, to: number) {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { date: '2026-02-01', data_stream_key: stream, amount: amountOf(i), direction: 'credit', description: `Row ${i}`, external_id: externalIdOf(i) };
  });
}

/** The rows expected in a stream: any union of ranges. */
export class Expected {
  private readonly ranges: Array<[number, number]> = [];
  add(from: number, to: number): this {
    this.ranges.push([from, to]);
    return this;
  }
  get count(): number {
    return this.ranges.reduce((n, [a, b]) => n + (b - a), 0);
  }
  get sum(): number {
    let total = 0;
    for (const [a, b] of this.ranges) for (let i = a; i < b; i++) total += amountOf(i);
    return total;
  }
  ids(): string[] {
    return this.ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, k) => externalIdOf(a + k))).sort();
  }
}

/** Count, sum, exact set of external ids, no duplicates: what landed in `stream` is exactly `expected`. */
export async function assertLandedExactly(store: Store, stream: string, expected: Expected): Promise<void> {
  const rows = await sql<{ external_id: string; amount: number }>`
    SELECT r.external_id, r.amount FROM records r JOIN data_streams s ON s.id = r.data_stream_id WHERE s.key = ${stream}
  `.execute(store.db);
  const ids = rows.rows.map((r) => r.external_id).sort();
  const distinct = new Set(ids);
  assert.equal(ids.length - distinct.size, 0, `no external id twice in ${stream}`);
  assert.equal(ids.length, expected.count, `record count in ${stream}`);
  assert.equal(rows.rows.reduce((s, r) => s + Number(r.amount), 0), expected.sum, `sum of amounts in ${stream}`);
  const want = expected.ids();
  const missing = want.filter((id) => !distinct.has(id));
  assert.deepEqual(missing.slice(0, 10), [], `no external id missing from ${stream} (${missing.length} missing)`);
  assert.deepEqual(ids, want, `exactly the external ids sent to ${stream}`);
}

export interface Api {
  (path: string, init?: RequestInit & { duplex?: 'half' }): Promise<Response>;
  json<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }>;
}

export function apiOf(url: () => string, key: string): Api {
  const call = ((path: string, init: RequestInit & { duplex?: 'half' } = {}) =>
    fetch(`${url()}${path}`, { ...init, headers: { 'x-api-key': key, 'content-type': 'application/json', ...(init.headers ?? {}) } } as RequestInit)) as Api;
  call.json = async (path, init) => {
    const res = await call(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return call;
}

/** Uploads rows [from, to) as a CSV file through the HTTP API; returns the bulk request's id once the 202 is in. */
export async function uploadCsv(api: Api, stream: string, from: number, to: number): Promise<number> {
  const res = await api(`/v1/data_streams/${stream}/uploads?filename=rows-${from}-${to}.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: Readable.toWeb(Readable.from(csvOf(from, to))) as unknown as BodyInit,
    duplex: 'half',
  });
  const body = (await res.json()) as { id: number; total_items: number };
  assert.equal(res.status, 202, JSON.stringify(body));
  assert.equal(body.total_items, to - from);
  return body.id;
}

export async function bulkRequest(store: Store, id: number) {
  return store.db.selectFrom('bulk_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/**
 * The end of every fault test: its processes killed (continued first, in case one was left frozen), its
 * store closed and its database dropped, whatever the test got as far as starting.
 */
export async function tearDown(children: Child[], store: Store | undefined, database: TestDatabase | undefined): Promise<void> {
  for (const child of children) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  await Promise.all(children.map((c) => c.exited));
  await store?.close();
  await database?.drop();
}
