import type { Transaction } from 'kysely';
import { RECORD_COUNT_SLOTS } from '../../db/migrations/0003_stream_operations.js';
import type { Database } from '../../db/database.js';

export interface CreatedRecord {
  data_stream_id: number;
  import_batch_id: number | null;
}

/** One stream's share of a write, on the counter slot it adds to. */
export interface StreamCountRow {
  data_stream_id: number;
  slot: number;
  records: number;
  orphans: number;
}

/** What a write adds to each stream's counts: one row per stream, in stream order, on one random slot. */
export function streamCountRows(created: Iterable<CreatedRecord>): StreamCountRow[] {
  const perStream = new Map<number, { records: number; orphans: number }>();
  for (const r of created) {
    const counts = perStream.get(r.data_stream_id) ?? { records: 0, orphans: 0 };
    counts.records++;
    if (r.import_batch_id === null) counts.orphans++;
    perStream.set(r.data_stream_id, counts);
  }
  if (perStream.size === 0) return [];
  const slot = Math.floor(Math.random() * RECORD_COUNT_SLOTS);
  return [...perStream]
    .sort(([a], [b]) => a - b)
    .map(([data_stream_id, counts]) => ({ data_stream_id, slot, records: counts.records, orphans: counts.orphans }));
}

/**
 * Adds records just inserted to their streams' counts (`stream_record_counts`), in the inserting
 * transaction: every writer of records calls it once per insert statement (migration 0004 replaced the
 * per-row insert trigger, which cost a bulk load on SQLite 6x). One row per stream, in stream order so two
 * transactions never take counter rows in opposite orders. The slot is drawn at random among
 * RECORD_COUNT_SLOTS: concurrent chunks into one stream then share a counter row, and wait for each other's
 * commit, one time in 16. Readers sum the slots. A bulk request's chunk adds its counts in its checkpoint
 * statement instead (advance-checkpoint.ts), from the same rows.
 */
export async function countCreatedRecords(trx: Transaction<Database>, created: Iterable<CreatedRecord>): Promise<void> {
  const rows = streamCountRows(created);
  if (rows.length === 0) return;
  await trx
    .insertInto('stream_record_counts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['data_stream_id', 'slot']).doUpdateSet((eb) => ({
        records: eb('stream_record_counts.records', '+', eb.ref('excluded.records')),
        orphans: eb('stream_record_counts.orphans', '+', eb.ref('excluded.orphans')),
      })),
    )
    .execute();
}
