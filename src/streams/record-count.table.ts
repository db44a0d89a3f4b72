/**
 * Record counts of a stream: the stream's count is the sum of its rows. Inserts add to them in their own
 * transaction (src/engine/sql/count-records.ts, migration 0004); deletes and updates through triggers on
 * `records` (migration 0003). Each stream spreads over slots so that concurrent writers seldom queue on one
 * counter row.
 */
export interface StreamRecordCountTable {
  data_stream_id: number;
  slot: number;
  records: number;
  /** Records without an import batch (POST /records, JSON bulk requests). */
  orphans: number;
}
