import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { encodeSegment, type StagedItem } from '../segment-codec.js';

/**
 * Writes one segment of a bulk request's items in the caller's transaction (the one that counts them into
 * `total_items`, so a 202 never promises items that are not on disk). One row however many items: a plain
 * parameterised INSERT on both databases. On PostgreSQL COPY bought 3x over an `unnest` insert of one row
 * per item, because every array element had to be escaped; a segment is a single bound text that goes over
 * the wire as is, and COPY measured no faster for it (docs/decisions.md, "Segments").
 */
export async function stageSegment(db: Kysely<Database>, bulkRequestId: number, items: readonly StagedItem[]): Promise<void> {
  if (items.length === 0) return;
  await db.insertInto('bulk_request_segments').values({ bulk_request_id: bulkRequestId, ...encodeSegment(items) }).execute();
}
