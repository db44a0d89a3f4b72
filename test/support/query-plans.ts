import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.js';
import { startTestApp, type TestApp } from './app.js';
import type { Backend } from './backends.js';

/**
 * The API's list reads and the plans the databases choose for them, on tables large enough for a planner
 * to tell an index from a scan (ANALYZEd). Each route is called through the real HTTP interface; every
 * SELECT it runs is captured as sent (ConnectOptions.onQuery) and EXPLAINed. Used by
 * test/query-plans.test.ts (which asserts them) and scripts/query-plans-doc.ts (docs/query-plans.md).
 */

/** Tables that grow with use: none may be read whole by a list. */
export const LARGE_TABLES = [
  'records',
  'bulk_requests',
  'bulk_request_results',
  'bulk_request_segments',
  'import_batches',
  'webhook_events',
  'webhook_deliveries',
  'webhook_attempts',
];

export interface PlanRoute {
  name: string;
  url: string;
  /** A page of one ordered index walk: any sort would be a sort of everything the filter matches. */
  noSort: boolean;
}

export interface CapturedPlan {
  sql: string;
  plan: string[];
}

export interface RoutePlans {
  route: PlanRoute;
  status: number;
  queries: CapturedPlan[];
}

const SYNTHETIC_REQUESTS = 2_000;
const RECORDS_PER_SYNTHETIC_REQUEST = 20;

interface PlanData {
  upload: number;
  retry: number;
  batch: number;
  externalId: string;
  endpoint: number;
  event: number;
}

/** A real CSV upload with failed rows and its retry (an import batch over two requests), then bulk volume by SQL. */
async function populate(t: TestApp): Promise<PlanData> {
  await t.call('POST', '/v1/data_streams', { key: 'big', name: 'big' });
  await t.call('POST', '/v1/data_streams', { key: 'other', name: 'other' });
  const lines = ['date,amount,description,external_id'];
  for (let i = 0; i < 3_000; i++) lines.push(`2026-01-${String((i % 28) + 1).padStart(2, '0')},${i % 50 === 0 ? 'bad' : `${i}.25`},row ${i},u-${i}`);
  const res = await t.app.inject({ method: 'POST', url: '/v1/data_streams/big/uploads', headers: { 'x-api-key': t.key, 'content-type': 'text/csv' }, payload: lines.join('\n') });
  assert.equal(res.statusCode, 202, res.body);
  const upload = JSON.parse(res.body).id as number;
  await t.drain();
  const batch = (await t.call('GET', '/v1/data_streams/big/import_batches')).body.data[0].id as number;

  const db = t.store.db;
  const stream = (await sql<{ id: number }>`SELECT id FROM data_streams WHERE key = 'other'`.execute(db)).rows[0]!.id;
  const now = Date.now();
  // A retry of the upload, as POST /bulk_requests/{id}/retry makes one of a failed or cancelled upload.
  const retry = (
    await sql<{ id: number }>`
      INSERT INTO bulk_requests (environment_id, data_stream_id, status, source, on_conflict, dry_run, options, parsing, total_items,
        processed_items, successful_items, failed_items, skipped_items, next_index, claims, released_claims, created_at, parent_bulk_request_id)
      SELECT environment_id, data_stream_id, 'completed', source, on_conflict, 0, options, 0, 3000, 3000, 3000, 0, 0, 3000, 1, 0, ${now}, id
      FROM bulk_requests WHERE id = ${upload} RETURNING id`.execute(db)
  ).rows[0]!.id;
  // Many finished JSON bulk requests, each with its records, in the second stream.
  await sql`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SYNTHETIC_REQUESTS})
    INSERT INTO bulk_requests (environment_id, data_stream_id, status, source, on_conflict, dry_run, options, parsing, total_items,
      processed_items, successful_items, failed_items, skipped_items, next_index, claims, released_claims, created_at)
    SELECT 1, ${stream}, 'completed', 'bulk_api', 'fail', 0, '{}', 0, ${RECORDS_PER_SYNTHETIC_REQUEST}, ${RECORDS_PER_SYNTHETIC_REQUEST},
      ${RECORDS_PER_SYNTHETIC_REQUEST}, 0, 0, ${RECORDS_PER_SYNTHETIC_REQUEST}, 1, 0, CAST(${now} AS bigint) - i * 1000 FROM n`.execute(db);
  await sql`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${RECORDS_PER_SYNTHETIC_REQUEST - 1})
    INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description, metadata, source,
      bulk_request_id, item_index, import_batch_id, created_at, updated_at)
    SELECT 1, ${stream}, 'j-' || b.id || '-' || n.i, '2026-02-01', 100 + n.i, 'credit', 'USD', NULL, '{}', 'bulk_api', b.id, n.i, NULL,
      b.created_at + n.i, b.created_at + n.i
    FROM bulk_requests b CROSS JOIN n WHERE b.source = 'bulk_api'`.execute(db);
  // The retry's records, as a retry of fixed rows creates them.
  await sql`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
    INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description, metadata, source,
      bulk_request_id, item_index, import_batch_id, created_at, updated_at)
    SELECT 1, (SELECT id FROM data_streams WHERE key = 'big'), 'fixed-' || n.i, '2026-01-01', 1, 'credit', 'USD', NULL, '{}', 'csv_upload',
      ${retry}, n.i, ${batch}, CAST(${now} AS bigint) + n.i, CAST(${now} AS bigint) + n.i FROM n`.execute(db);
  // Their staged segments and a few failed results each, so neither table is small.
  await sql`
    INSERT INTO bulk_request_segments (bulk_request_id, first_index, last_index, item_count, bytes, indexes, row_numbers, payload)
    SELECT id, 0, ${RECORDS_PER_SYNTHETIC_REQUEST - 1}, ${RECORDS_PER_SYNTHETIC_REQUEST}, 2, NULL, NULL, '{}' FROM bulk_requests WHERE source = 'bulk_api'`.execute(db);
  for (const itemIndex of [3, 7]) {
    await sql`
      INSERT INTO bulk_request_results (bulk_request_id, item_index, status, record_id, error_code, error, data_stream_id, external_id)
      SELECT id, ${itemIndex}, 'failed', NULL, 'invalid_amount', 'amount must be an integer', NULL, NULL FROM bulk_requests WHERE source = 'bulk_api'`.execute(db);
  }
  // Older uploads' import batches in the second stream, so that table is not a one-row table either.
  await sql`
    INSERT INTO import_batches (environment_id, data_stream_id, bulk_request_id, source, record_count, total_credits, total_debits, decimal_places, created_at)
    SELECT 1, ${stream}, id, 'csv_upload', 0, 0, 0, 2, created_at FROM bulk_requests WHERE source = 'bulk_api' AND id % 4 = 0`.execute(db);
  // Webhooks: an endpoint that received an event for every request, with a delivery and an attempt each.
  const endpoint = (
    await sql<{ id: number }>`
      INSERT INTO webhook_endpoints (environment_id, url, description, enabled_events, disabled, disabled_reason, secret, previous_secret,
        previous_secret_expires_at, failing_since, created_at, updated_at)
      VALUES (1, 'https://receiver.example/hooks', NULL, NULL, 0, NULL, 'whsec_plan', NULL, NULL, NULL, ${now}, ${now}) RETURNING id`.execute(db)
  ).rows[0]!.id;
  await sql`
    INSERT INTO webhook_events (environment_id, event_type, data, created_at)
    SELECT 1, CASE WHEN id % 10 = 0 THEN 'import_batch.created' ELSE 'bulk_request.completed' END, '{}', created_at FROM bulk_requests`.execute(db);
  await sql`
    INSERT INTO webhook_deliveries (environment_id, event_id, endpoint_id, status, attempts, next_attempt_at, claims, lease_owner, lease_expires_at,
      last_status_code, last_error, created_at, completed_at)
    SELECT 1, id, ${endpoint}, 'succeeded', 1, created_at, 1, NULL, NULL, 204, NULL, created_at, created_at FROM webhook_events`.execute(db);
  await sql`
    INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, attempt, url, status_code, duration_ms, error, response_excerpt, created_at)
    SELECT id, endpoint_id, event_id, 1, 'https://receiver.example/hooks', 204, 12, NULL, NULL, created_at FROM webhook_deliveries`.execute(db);
  const event = (await sql<{ id: number }>`SELECT MAX(id) AS id FROM webhook_events`.execute(db)).rows[0]!.id;
  if (t.store.raw.kind === 'postgres') await sql`ANALYZE`.execute(db);
  else t.store.raw.handle.exec('ANALYZE');
  return { upload, retry, batch, externalId: 'j-100-3', endpoint: Number(endpoint), event: Number(event) };
}

function routes(d: PlanData, cursors: { stream: string; request: string; batch: string; requests: string; events: string; attempts: string }): PlanRoute[] {
  const list = (name: string, url: string): PlanRoute => ({ name, url, noSort: true });
  const other = (name: string, url: string): PlanRoute => ({ name, url, noSort: false });
  return [
    other('data streams', '/v1/data_streams'),
    list("a stream's records, first page", '/v1/records?data_stream_key=other&limit=50'),
    list("a stream's records, a later page", `/v1/records?data_stream_key=other&limit=50&cursor=${cursors.stream}`),
    list("a stream's records in a creation-time range", `/v1/records?data_stream_key=other&created_after=2026-01-01T00:00:00Z&created_before=2099-01-01T00:00:00Z`),
    // At most one record per stream has a given external_id: sorting what the unique index finds is free.
    other('records by external_id, every stream', `/v1/records?external_id=${d.externalId}`),
    other('records by external_id in a stream', `/v1/records?data_stream_key=other&external_id=${d.externalId}`),
    list("a bulk request's records, first page", `/v1/records?bulk_request_id=${d.upload}&limit=50`),
    list("a bulk request's records, a later page", `/v1/records?bulk_request_id=${d.upload}&limit=50&cursor=${cursors.request}`),
    list("an import batch's records (GET /records), first page", `/v1/records?import_batch_id=${d.batch}&limit=50`),
    list("an import batch's records (GET /records), a later page", `/v1/records?import_batch_id=${d.batch}&limit=50&cursor=${cursors.batch}`),
    list("an import batch's records (GET /import_batches/{id}/records)", `/v1/import_batches/${d.batch}/records?limit=25`),
    // A deep offset reads `offset` entries whatever the plan; a planner may sort a small request instead.
    other("an import batch's records past its retry's (offset)", `/v1/import_batches/${d.batch}/records?limit=25&offset=3100`),
    other('an import batch', `/v1/import_batches/${d.batch}`),
    other("a stream's import batches", '/v1/data_streams/big/import_batches'),
    other('bulk requests, first page', '/v1/bulk_requests?limit=50'),
    other('bulk requests, a later page', `/v1/bulk_requests?limit=50&cursor=${cursors.requests}`),
    other('bulk requests of a stream', '/v1/bulk_requests?data_stream_key=other&limit=50'),
    other('bulk requests by status', '/v1/bulk_requests?status=processing&limit=50'),
    other('stuck bulk requests', '/v1/bulk_requests?stuck=true'),
    other('retries of a bulk request', `/v1/bulk_requests?parent_bulk_request_id=${d.upload}`),
    other('a bulk request and a page of its results', `/v1/bulk_requests/${d.upload}?limit=50&offset=1000`),
    other("a bulk request's failed rows (CSV download)", `/v1/bulk_requests/${d.upload}/failed_rows.csv`),
    other("a stream's health", '/v1/data_streams/big/health'),
    other("a stream's property definitions", '/v1/data_stream_property_definitions?data_stream_key=big'),
    other('events, first page', '/v1/events?limit=50'),
    other('events, a later page', `/v1/events?limit=50&cursor=${cursors.events}`),
    other('events of one type', '/v1/events?event_type=import_batch.created&limit=50'),
    other('an event', `/v1/events/evt_${d.event}`),
    other('webhook endpoints', '/v1/webhook_endpoints'),
    other("a webhook endpoint's delivery attempts, first page", `/v1/webhook_endpoints/${d.endpoint}/deliveries?limit=50`),
    other("a webhook endpoint's delivery attempts, a later page", `/v1/webhook_endpoints/${d.endpoint}/deliveries?limit=50&cursor=${cursors.attempts}`),
  ];
}

async function explain(store: Store, text: string, parameters: readonly unknown[]): Promise<string[]> {
  if (store.raw.kind === 'sqlite') {
    const rows = store.raw.handle.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(parameters as unknown[])) as Array<{ id: number; parent: number; detail: string }>;
    const depth = new Map<number, number>([[0, -1]]);
    return rows.map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    });
  }
  const result = await store.raw.pool.query(`EXPLAIN (COSTS OFF) ${text}`, parameters as unknown[]);
  return result.rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
}

const isRead = (text: string) => /^\s*(select|with)\b/i.test(text);

/** Runs every list route on a fresh, populated database of `backend` and returns what each ran and its plans. */
export async function collectPlans(backend: Backend): Promise<RoutePlans[]> {
  const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  let capturing = false;
  const t = await startTestApp(backend, {}, { onQuery: (text, parameters) => capturing && isRead(text) && captured.push({ sql: text, parameters }) });
  try {
    const d = await populate(t);
    const cursorOf = async (url: string) => {
      const body = (await t.call('GET', url)).body;
      assert.ok(body.next_cursor, `${url} has a next page`);
      return body.next_cursor as string;
    };
    const cursors = {
      stream: await cursorOf('/v1/records?data_stream_key=other&limit=50'),
      request: await cursorOf(`/v1/records?bulk_request_id=${d.upload}&limit=50`),
      batch: await cursorOf(`/v1/records?import_batch_id=${d.batch}&limit=50`),
      requests: await cursorOf('/v1/bulk_requests?limit=50'),
      events: await cursorOf('/v1/events?limit=50'),
      attempts: await cursorOf(`/v1/webhook_endpoints/${d.endpoint}/deliveries?limit=50`),
    };
    const out: RoutePlans[] = [];
    for (const route of routes(d, cursors)) {
      captured.length = 0;
      capturing = true;
      const res = await t.app.inject({ method: 'GET', url: route.url, headers: { 'x-api-key': t.key } });
      capturing = false;
      const queries: CapturedPlan[] = [];
      for (const q of captured) queries.push({ sql: q.sql, plan: await explain(t.store, q.sql, q.parameters) });
      out.push({ route, status: res.statusCode, queries });
    }
    return out;
  } finally {
    await t.close();
  }
}

/** What a plan line must not say: a large table read whole, or (for `noSort` routes) a sort. */
export function planProblems(backend: Backend, route: PlanRoute, plan: string[]): string[] {
  const problems: string[] = [];
  const tables = LARGE_TABLES.join('|');
  for (const line of plan) {
    const text = line.trim();
    if (backend === 'postgres') {
      if (new RegExp(`Seq Scan on (${tables})\\b`).test(text)) problems.push(text);
      if (route.noSort && /\bSort\b/.test(text)) problems.push(text);
    } else {
      // SQLite names a table by its alias when it has one (records r, import_batches b, bulk_requests b);
      // "SCAN" is a whole table or a whole index, unless it names a subquery the plan builds itself.
      const scan = /^SCAN (\w+)/.exec(text);
      const built = scan && plan.some((l) => new RegExp(`^\\s*(CO-ROUTINE|MATERIALIZE) ${scan[1]}$`).test(l));
      if (scan && !built && (LARGE_TABLES.includes(scan[1]!) || ['r', 'b'].includes(scan[1]!))) problems.push(text);
      if (route.noSort && /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(text)) problems.push(text);
    }
  }
  return problems;
}
