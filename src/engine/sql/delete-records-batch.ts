import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database.js';

/** A position in a stream's records, in the order of the records_stream_created index. */
export interface RecordKeyset {
  createdAt: number;
  id: number;
}

/**
 * Deletes the next `limit` records of a stream after `after`, in (created_at, id) order, and returns where
 * it stopped (`next` null: nothing was left after this batch).
 *
 * Walking a keyset rather than repeating "delete any 5,000 of this stream" matters on PostgreSQL: deleted
 * rows stay in the index until vacuum, so every repeat would step over all the rows deleted before it
 * (quadratic over a large stream); the keyset seeks past them. The boundary is found first (an index-only
 * read), then the range is deleted by the same index. The bounds are spelled as a range on created_at plus
 * a tie-break rather than a row-value comparison, so both planners see an index range they can seek to.
 */
export async function deleteRecordsBatch(
  trx: Transaction<Database>,
  streamId: number,
  after: RecordKeyset | null,
  limit: number,
): Promise<{ deleted: number; next: RecordKeyset | null }> {
  const afterBound = after ? sql`AND created_at >= ${after.createdAt} AND (created_at > ${after.createdAt} OR id > ${after.id})` : sql``;
  const boundary = await sql<{ created_at: number; id: number }>`
    SELECT created_at, id FROM records
    WHERE data_stream_id = ${streamId} ${afterBound}
    ORDER BY created_at, id
    LIMIT 1 OFFSET ${limit - 1}
  `.execute(trx);
  const last = boundary.rows[0];
  const upTo = last ? sql`AND created_at <= ${last.created_at} AND (created_at < ${last.created_at} OR id <= ${last.id})` : sql``;
  const result = await sql`DELETE FROM records WHERE data_stream_id = ${streamId} ${afterBound} ${upTo}`.execute(trx);
  return { deleted: Number(result.numAffectedRows ?? 0n), next: last ? { createdAt: Number(last.created_at), id: Number(last.id) } : null };
}
