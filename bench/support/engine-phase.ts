// The engine's share of an ingest, read from the requests themselves: a request is in the engine's hands
// from its claim (`started_at`, set by the first claim) to `completed_at`. Upload, staging and the wait
// for a worker to wake are outside it. With several requests (json, scaleout) the phase is the union of
// those intervals: the wall time during which the engine had at least one request in hand, so requests
// processed side by side are not counted twice.

import type { Sql } from './databases.js';

export async function engineSeconds(sql: Sql, streamId: number): Promise<number | null> {
  const rows = await sql.all<{ started_at: number | null; completed_at: number | null }>(
    'SELECT started_at, completed_at FROM bulk_requests WHERE data_stream_id = ? ORDER BY started_at',
    [streamId],
  );
  let total = 0;
  let end = -Infinity;
  for (const row of rows) {
    if (row.started_at === null || row.completed_at === null) return null;
    const start = Math.max(Number(row.started_at), end);
    const stop = Number(row.completed_at);
    if (stop > start) total += stop - start;
    end = Math.max(end, stop);
  }
  return rows.length === 0 ? null : total / 1000;
}
