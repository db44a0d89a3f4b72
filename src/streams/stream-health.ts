import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/database.js';
import { iso } from '../http/pagination.js';
import { BULK_STATUSES } from '../bulk/bulk-request.schemas.js';

/**
 * The health snapshot as one statement of scalar subqueries: one round trip, and one consistent snapshot
 * on both databases (a transaction would take SQLite's write lock, which a polled read must not).
 * Every subquery is an index lookup (test/stream-health.test.ts checks the plans):
 * - record and orphan counts: the maintained counter rows (primary key), never COUNT over records;
 * - last ingestion: the newest entry of records_stream_created;
 * - import batches: import_batches_stream_created (a stream has one batch per uploaded file);
 * - bulk requests: bulk_requests_stream_status, one count per status; `stuck` narrows the processing ones;
 *   plus the multi-stream requests that target the stream (data_stream_id null, so never counted twice):
 *   bulk_request_streams_pk, then each request by its primary key.
 */
export function streamHealthQuery(db: Kysely<Database>, streamId: number, stuckBefore: number) {
  const multiStream = (condition: RawBuilder<unknown>) => sql`(SELECT COUNT(*) FROM bulk_request_streams t
    JOIN bulk_requests b ON b.id = t.bulk_request_id WHERE t.data_stream_id = ${streamId} AND ${condition})`;
  const byStatus = BULK_STATUSES.map(
    (status) =>
      sql`(SELECT COUNT(*) FROM bulk_requests WHERE data_stream_id = ${streamId} AND status = ${status})
        + ${multiStream(sql`b.status = ${status}`)} AS ${sql.ref(status)}`,
  );
  return sql<HealthRow>`
    SELECT
      (SELECT COALESCE(SUM(records), 0) FROM stream_record_counts WHERE data_stream_id = ${streamId}) AS records_count,
      (SELECT COALESCE(SUM(orphans), 0) FROM stream_record_counts WHERE data_stream_id = ${streamId}) AS orphan_records_count,
      (SELECT COUNT(*) FROM import_batches WHERE data_stream_id = ${streamId}) AS import_batches_count,
      (SELECT COALESCE(SUM(record_count), 0) FROM import_batches WHERE data_stream_id = ${streamId}) AS import_batches_record_sum,
      (SELECT created_at FROM records WHERE data_stream_id = ${streamId} ORDER BY created_at DESC LIMIT 1) AS last_ingestion_at,
      ${sql.join(byStatus)},
      (SELECT COUNT(*) FROM bulk_requests
        WHERE data_stream_id = ${streamId} AND status = 'processing' AND last_progress_at < ${stuckBefore})
        + ${multiStream(sql`b.status = 'processing' AND b.last_progress_at < ${stuckBefore}`)} AS stuck
  `.compile(db);
}

type Count = number | string;
interface HealthRow {
  records_count: Count;
  orphan_records_count: Count;
  import_batches_count: Count;
  import_batches_record_sum: Count;
  last_ingestion_at: Count | null;
  pending: Count;
  processing: Count;
  completed: Count;
  failed: Count;
  cancelled: Count;
  stuck: Count;
}

export async function streamHealth(db: Kysely<Database>, streamId: number, stuckBefore: number) {
  const result = await db.executeQuery(streamHealthQuery(db, streamId, stuckBefore));
  const row = result.rows[0] as HealthRow;
  return {
    records_count: Number(row.records_count),
    import_batches_count: Number(row.import_batches_count),
    import_batches_record_sum: Number(row.import_batches_record_sum),
    orphan_records_count: Number(row.orphan_records_count),
    bulk_requests: {
      pending: Number(row.pending),
      processing: Number(row.processing),
      completed: Number(row.completed),
      failed: Number(row.failed),
      cancelled: Number(row.cancelled),
      stuck: Number(row.stuck),
    },
    last_ingestion_at: row.last_ingestion_at === null ? null : iso(Number(row.last_ingestion_at)),
  };
}
