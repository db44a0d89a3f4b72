import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { segmentIndexes, segmentRowNumbers, type EncodedSegment } from '../engine/segment-codec.js';

type SegmentHead = Omit<EncodedSegment, 'payload'>;

/**
 * Reads of a request's segments by item index, for the results page, the failed-rows download and retries (one segment in memory at a time);
 * the engine's chunk reads are src/engine/sql/read-items.ts. Every read starts at the segment holding the
 * lowest index asked for (a seek on the key (bulk_request_id, first_index)) and ends at the highest, so it
 * costs the segments it needs, however large the request.
 */
const startOf = (db: Kysely<Database>, bulkRequestId: number, index: number) => sql<number>`COALESCE((
  SELECT MAX(first_index) FROM bulk_request_segments WHERE bulk_request_id = ${bulkRequestId} AND first_index <= ${index}
), ${index})`;

/** Row numbers of the given items (those that have one), read without their payloads. */
export async function rowNumbersOf(db: Kysely<Database>, bulkRequestId: number, indexes: readonly number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (indexes.length === 0) return found;
  const wanted = new Set(indexes);
  const low = Math.min(...indexes);
  const high = Math.max(...indexes);
  const heads = await sql<SegmentHead>`
    SELECT first_index, last_index, item_count, bytes, indexes, row_numbers FROM bulk_request_segments
    WHERE bulk_request_id = ${bulkRequestId} AND first_index >= ${startOf(db, bulkRequestId, low)} AND first_index <= ${high}
      AND row_numbers IS NOT NULL
    ORDER BY first_index`.execute(db);
  for (const head of heads.rows) {
    const at = segmentIndexes(head);
    const numbers = segmentRowNumbers(head);
    for (let i = 0; i < at.length; i++) {
      const n = numbers[i];
      if (n !== null && n !== undefined && wanted.has(at[i]!)) found.set(at[i]!, n);
    }
  }
  return found;
}

/** The segment holding item `index`, if any: the last one starting at or before it, if it reaches that far. */
export async function segmentAt(db: Kysely<Database>, bulkRequestId: number, index: number): Promise<EncodedSegment | undefined> {
  const row = (
    await sql<EncodedSegment>`
      SELECT first_index, last_index, item_count, bytes, indexes, row_numbers, payload FROM bulk_request_segments
      WHERE bulk_request_id = ${bulkRequestId} AND first_index <= ${index}
      ORDER BY first_index DESC LIMIT 1`.execute(db)
  ).rows[0];
  return row && Number(row.last_index) >= index ? row : undefined;
}
