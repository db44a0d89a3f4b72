import type { Transaction } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';

/**
 * Every write that adds records to streams runs this in its transaction, before inserting: it returns, for
 * each stream that still exists, the id of the delete/reset running on it (or null). Streams missing from
 * the map were deleted meanwhile.
 *
 * PostgreSQL: `FOR KEY SHARE` on each stream row, once per write (the records' foreign key took it once per
 * row until migration 0009 dropped the key: this lock is what keeps a record out of a deleted stream now).
 * Accepting an operation, and deleting the stream, lock the row `FOR UPDATE`, which conflicts with it:
 * either this write commits first and the operation then sees its records, or the operation is accepted (or
 * the stream deleted) first and this read waits, then sees the marker (or no row). Writers do not block
 * each other (shared lock).
 * SQLite: the transaction's `BEGIN IMMEDIATE` already holds the database's only write lock.
 */
export async function lockStreams(
  trx: Transaction<Database>,
  caps: Capabilities,
  streamIds: number[],
): Promise<Map<number, number | null>> {
  const states = new Map<number, number | null>();
  if (streamIds.length === 0) return states;
  const rows = await trx
    .selectFrom('data_streams')
    .select(['id', 'active_operation_id'])
    .where('id', 'in', [...new Set(streamIds)])
    .orderBy('id')
    .$if(caps.rowLocks, (q) => q.forKeyShare())
    .execute();
  for (const row of rows) states.set(row.id, row.active_operation_id);
  return states;
}
