// Latency of GET /v1/data_streams/{key}/health on a large stream: `npx tsx bench/stream-health.ts [records]`
// (default 1,000,000), on every backend in SLUICE_TEST_BACKENDS (default both; PostgreSQL from
// TEST_DATABASE_URL, as the tests). The stream gets half its records in 4 import batches, the rest without,
// and 1,000 bulk requests in mixed statuses. For comparison it also times the COUNT(*) the counters replace.
// The numbers go in docs/decisions.md ("Stream operations and health").

import { sql } from 'kysely';
import { startTestApp } from '../test/support/app.js';
import { BACKENDS } from '../test/support/backends.js';
import { fillStream } from '../test/support/fill-stream.js';
import { streamHealth } from '../src/streams/stream-health.js';

const total = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 200;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: +percentile(sorted, 0.5).toFixed(2), p95: +percentile(sorted, 0.95).toFixed(2), max: +sorted[sorted.length - 1]!.toFixed(2) };
};

for (const backend of BACKENDS) {
  const t = await startTestApp(backend);
  try {
    const environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
    const streamId = (await t.call('POST', '/v1/data_streams', { key: 'big', name: 'big' })).body.id as number;
    const now = Date.now();
    const statuses = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'processing', 'pending'] as const;
    const requests = await t.store.db
      .insertInto('bulk_requests')
      .values(
        Array.from({ length: 1_000 }, (_, i) => ({
          environment_id: environmentId, status: statuses[i % statuses.length]!, source: 'bulk_api' as const, on_conflict: 'skip' as const,
          dry_run: 0, filename: null, data_stream_id: streamId, parent_bulk_request_id: null, idempotency_key: null, request_hash: null,
          options: '{}', source_details: null, parsing: 0, total_items: 1_000, processed_items: 1_000, successful_items: 1_000,
          failed_items: 0, skipped_items: 0, next_index: 1_000, claims: 1, released_claims: 0, lease_owner: null,
          lease_expires_at: now + 3_600_000, error_message: null, error_details: null, created_at: now, started_at: now,
          completed_at: null, last_progress_at: now - (i % 2) * 600_000, cancellation_requested_at: null,
        })),
      )
      .returning('id')
      .execute();
    const started = performance.now();
    const half = Math.floor(total / 2);
    for (let b = 0; b < 4; b++) {
      const batch = await t.store.db
        .insertInto('import_batches')
        .values({
          environment_id: environmentId, data_stream_id: streamId, bulk_request_id: requests[b]!.id, source: 'csv_upload', filename: `f${b}.csv`,
          record_count: Math.floor(half / 4), total_credits: 0, total_debits: 0, decimal_places: 2, date_range_start: null, date_range_end: null,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await fillStream(t.store, { environmentId, streamId, count: Math.floor(half / 4), prefix: `b${b}-`, importBatchId: batch.id, createdAt: now + b * 100_000 });
    }
    await fillStream(t.store, { environmentId, streamId, count: total - 4 * Math.floor(half / 4), prefix: 'o-', createdAt: now + 500_000 });
    const fillMs = performance.now() - started;
    // What a database that has been running a while looks like: statistics and visibility map up to date.
    await sql`${sql.raw(backend === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE')}`.execute(t.store.db);

    const http: number[] = [];
    let body: unknown;
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now();
      const res = await t.call('GET', '/v1/data_streams/big/health');
      http.push(performance.now() - s);
      body = res.body;
    }
    const query: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now();
      await streamHealth(t.store.db, streamId, Date.now() - 300_000);
      query.push(performance.now() - s);
    }
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      await sql`SELECT COUNT(*) FROM records WHERE data_stream_id = ${streamId}`.execute(t.store.db);
      counts.push(performance.now() - s);
    }
    console.log(JSON.stringify({ backend, records: total, fill_ms: Math.round(fillMs), health_http_ms: summary(http), health_query_ms: summary(query), count_star_ms: summary(counts), body }));
  } finally {
    await t.close();
  }
}
