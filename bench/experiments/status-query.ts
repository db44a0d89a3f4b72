// Why GET /v1/bulk_requests/{id} slows down as a request grows: `node --import tsx
// bench/experiments/status-query.ts [records]` (default 1,000,000) fills one request with that many
// records, then times the results query the status read first had (ORDER BY over
// the UNION ALL of records and results, which both databases answer by reading every row of the request)
// against the same query with each branch ordered and limited first (which both answer from their index),
// and prints the plans. docs/performance.md quotes the numbers.

import { sql } from 'kysely';
import { openTestStore } from '../../test/support/backends.js';

const N = Number(process.argv[2] ?? 1_000_000);
const LIMIT = 51; // the route asks for limit + 1

const current = (id: number) => `SELECT item_index, status, record_id, error_code, error FROM (
    SELECT item_index, 'successful' AS status, id AS record_id, NULL AS error_code, NULL AS error
    FROM records WHERE bulk_request_id = ${id}
    UNION ALL
    SELECT item_index, status, record_id, error_code, error
    FROM bulk_request_results WHERE bulk_request_id = ${id}
  ) r ORDER BY item_index LIMIT ${LIMIT} OFFSET 0`;

// Each branch needs at most offset + limit rows; ordered by the index it can stop there.
const rewritten = (id: number) => `SELECT item_index, status, record_id, error_code, error FROM (
    SELECT * FROM (SELECT item_index, 'successful' AS status, id AS record_id, NULL AS error_code, NULL AS error
      FROM records WHERE bulk_request_id = ${id} ORDER BY item_index LIMIT ${LIMIT}) a
    UNION ALL
    SELECT * FROM (SELECT item_index, status, record_id, error_code, error
      FROM bulk_request_results WHERE bulk_request_id = ${id} ORDER BY item_index LIMIT ${LIMIT}) b
  ) r ORDER BY item_index LIMIT ${LIMIT} OFFSET 0`;

for (const backend of ['sqlite', 'postgres'] as const) {
  const t = await openTestStore(backend);
  try {
    const db = t.store.db;
    const now = Date.now();
    await sql`INSERT INTO environments (name, created_at) VALUES ('e', ${now})`.execute(db);
    await sql`INSERT INTO data_streams (environment_id, key, name, type, created_at, updated_at) VALUES (1, 's', 's', 'api', ${now}, ${now})`.execute(db);
    await sql`INSERT INTO bulk_requests (environment_id, status, source, on_conflict, dry_run, options, parsing, total_items, processed_items,
        successful_items, failed_items, skipped_items, next_index, claims, released_claims, created_at)
      VALUES (1, 'processing', 'csv', 'skip', 0, '{}', 0, ${N}, 0, 0, 0, 0, 0, 1, 0, ${now})`.execute(db);
    const series =
      backend === 'sqlite' ? `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${N - 1}) SELECT i FROM s` : `SELECT generate_series(0, ${N - 1}) AS i`;
    await sql
      .raw(`INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description, metadata, source,
          bulk_request_id, item_index, created_at, updated_at)
        SELECT 1, 1, 'x' || i, '2024-01-01', i + 1, 'credit', 'USD', 'd', '{}', 'csv_upload', 1, i, ${now}, ${now} FROM (${series}) q`)
      .execute(db);
    await sql.raw(backend === 'postgres' ? 'VACUUM ANALYZE records' : 'ANALYZE').execute(db);
    console.log(`${backend}: one request of ${N.toLocaleString('en-US')} records`);
    for (const [name, query] of [
      ['one ORDER BY over the union', current(1)],
      ['each branch ordered and limited', rewritten(1)],
    ] as const) {
      const times: number[] = [];
      for (let r = 0; r < 7; r++) {
        const started = performance.now();
        const result = await sql.raw(query).execute(db);
        times.push(performance.now() - started);
        if (result.rows.length !== LIMIT) throw new Error(`${result.rows.length} rows`);
      }
      times.sort((a, b) => a - b);
      console.log(`  ${name}: median ${times[3]!.toFixed(1)} ms of 7`);
      const plan = await sql.raw(backend === 'postgres' ? `EXPLAIN ${query}` : `EXPLAIN QUERY PLAN ${query}`).execute(db);
      for (const row of plan.rows as Array<Record<string, string>>) console.log(`    ${row['QUERY PLAN'] ?? row.detail}`);
    }
  } finally {
    await t.close();
  }
}
