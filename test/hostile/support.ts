import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.js';
import { CATALOGUE } from '../../src/errors/catalogue.js';
import type { TestApp } from '../support/app.js';

/** What a hostile request may have changed: every table a request can write to, counted. */
export async function writtenRows(store: Store) {
  const count = async (table: string) => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(store.db)).rows[0]!.n);
  return {
    records: await count('records'),
    bulk_requests: await count('bulk_requests'),
    data_streams: await count('data_streams'),
    import_batches: await count('import_batches'),
  };
}

/** A refusal users can act on: a 4xx, in the catalogue's shape, with a catalogued code and status, no stack. */
export function assertCatalogued(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string, expected?: { status?: number; code?: string }) {
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${what}: answered ${res.statusCode} ${res.body.slice(0, 300)}`);
  let body: { error?: unknown; message?: unknown; details?: unknown; code?: unknown; statusCode?: unknown };
  try {
    body = JSON.parse(res.body);
  } catch {
    assert.fail(`${what}: the body is not JSON: ${res.body.slice(0, 200)}`);
  }
  assert.equal(typeof body.error, 'string', `${what}: ${res.body.slice(0, 300)}`);
  assert.ok(Object.hasOwn(CATALOGUE, body.error as string), `${what}: ${String(body.error)} is not in the catalogue`);
  assert.equal(CATALOGUE[body.error as keyof typeof CATALOGUE].status, res.statusCode, `${what}: status matches the catalogue`);
  assert.equal(typeof body.message, 'string');
  assert.deepEqual(Object.keys(body).filter((k) => !['error', 'message', 'details'].includes(k)), [], `${what}: only error, message, details`);
  assert.doesNotMatch(res.body, /FST_|\bat .*\.(js|ts):\d+|stack/i, `${what}: no Fastify code or stack`);
  if (expected?.status !== undefined) assert.equal(res.statusCode, expected.status, `${what}: status`);
  if (expected?.code !== undefined) assert.equal(body.error, expected.code, `${what}: code`);
  return body as { error: string; message: string; details?: Record<string, unknown> };
}

/** The app still does ordinary work after whatever it was sent. */
export async function assertAlive(t: TestApp) {
  const res = await t.call('GET', '/v1/data_streams');
  assert.equal(res.status, 200, `still answering: ${JSON.stringify(res.body).slice(0, 200)}`);
}

/** A multipart/form-data body, built by hand so that tests can also build broken ones. */
export function multipart(boundary: string, parts: Array<{ name: string; filename?: string; type?: string; value: string }>, close = true): string {
  let body = '';
  for (const part of parts) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n`;
    if (part.type) body += `Content-Type: ${part.type}\r\n`;
    body += `\r\n${part.value}\r\n`;
  }
  return close ? `${body}--${boundary}--\r\n` : body;
}

export const CSV = 'date,amount,direction,external_id\n2026-01-02,12.34,credit,a1\n';
