/**
 * Record counts of a stream, kept exact by triggers on `records` (migration 0003): the stream's count is
 * the sum of its rows. PostgreSQL spreads each stream over slots so that concurrent writers do not queue
 * on one counter row; SQLite uses slot 0 only.
 */
export interface StreamRecordCountTable {
  data_stream_id: number;
  slot: number;
  records: number;
  /** Records without an import batch (POST /records, JSON bulk requests). */
  orphans: number;
}
