// What landed, counted and summed in the database, against what was sent. Every scenario ends with these
// checks, in --quick mode and in full runs alike; a mismatch fails the run whatever the timings say.

import type { ExpectedTotals } from '../inputs/rows.js';
import type { Sql } from './databases.js';

export interface Check {
  name: string;
  expected: unknown;
  actual: unknown;
  ok: boolean;
}

export const check = (name: string, expected: unknown, actual: unknown): Check => ({ name, expected, actual, ok: expected === actual });

export async function streamId(sql: Sql, key: string): Promise<number> {
  const rows = await sql.all<{ id: number }>('SELECT id FROM data_streams WHERE key = ?', [key]);
  if (rows.length !== 1) throw new Error(`data stream ${key} not found`);
  return Number(rows[0]!.id);
}

/** Records of the stream: count, distinct external ids, and count and sum of amounts per direction. */
export async function checkRecords(sql: Sql, stream: number, expected: ExpectedTotals): Promise<Check[]> {
  const [row] = await sql.all<Record<string, number | null>>(
    `SELECT count(*) AS n, count(DISTINCT external_id) AS ids,
       sum(CASE WHEN direction = 'credit' THEN 1 ELSE 0 END) AS credit_count,
       sum(CASE WHEN direction = 'credit' THEN amount ELSE 0 END) AS credits,
       sum(CASE WHEN direction = 'debit' THEN amount ELSE 0 END) AS debits
     FROM records WHERE data_stream_id = ?`,
    [stream],
  );
  const num = (v: number | null | undefined) => Number(v ?? 0);
  return [
    check('records', expected.rows, num(row!.n)),
    check('distinct external ids', expected.rows, num(row!.ids)),
    check('credit records', expected.creditCount, num(row!.credit_count)),
    check('sum of credit amounts', expected.credits, num(row!.credits)),
    check('sum of debit amounts', expected.debits, num(row!.debits)),
  ];
}

/** An upload's one bulk request, as the API answered it in its final status, and its import batch. */
export async function checkUpload(sql: Sql, stream: number, final: Record<string, unknown>, expected: ExpectedTotals): Promise<Check[]> {
  const batches = await sql.all<Record<string, number>>('SELECT record_count, total_credits, total_debits FROM import_batches WHERE data_stream_id = ?', [stream]);
  const batch = batches[0];
  return [
    check('bulk request status', 'completed', final.status),
    check('total_items', expected.rows, final.total_items),
    check('successful_items', expected.rows, final.successful_items),
    check('failed_items', 0, final.failed_items),
    check('skipped_items', 0, final.skipped_items),
    check('import batches', 1, batches.length),
    check('import batch record_count', expected.rows, batch ? Number(batch.record_count) : null),
    check('import batch total_credits', expected.credits, batch ? Number(batch.total_credits) : null),
    check('import batch total_debits', expected.debits, batch ? Number(batch.total_debits) : null),
  ];
}

/** JSON bulk requests into the stream: all completed, every item successful. */
export async function checkBulkRequests(sql: Sql, stream: number, requests: number, expected: ExpectedTotals): Promise<Check[]> {
  const [row] = await sql.all<Record<string, number | null>>(
    `SELECT count(*) AS n, sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
       sum(total_items) AS total, sum(successful_items) AS successful, sum(failed_items) AS failed, sum(skipped_items) AS skipped
     FROM bulk_requests WHERE data_stream_id = ?`,
    [stream],
  );
  const num = (v: number | null | undefined) => Number(v ?? 0);
  return [
    check('bulk requests', requests, num(row!.n)),
    check('bulk requests completed', requests, num(row!.completed)),
    check('total_items', expected.rows, num(row!.total)),
    check('successful_items', expected.rows, num(row!.successful)),
    check('failed_items', 0, num(row!.failed)),
    check('skipped_items', 0, num(row!.skipped)),
  ];
}
