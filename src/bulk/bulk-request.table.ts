import type { Generated } from 'kysely';

export type BulkStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type BulkSource = 'bulk_api' | 'csv' | 'nacha' | 'bai2' | 'camt053';
export type OnConflict = 'skip' | 'error';

/** The row is the job: status, counters, checkpoint and lease all live here (there is no second queue). */
export interface BulkRequestTable {
  id: Generated<number>;
  environment_id: number;
  status: BulkStatus;
  source: BulkSource;
  on_conflict: OnConflict;
  dry_run: number;
  filename: string | null;
  data_stream_id: number | null;
  parent_bulk_request_id: number | null;
  idempotency_key: string | null;
  /** SHA-256 of the canonical request body, to tell a replay from a reuse of the key. */
  request_hash: string | null;
  /** Source-specific options (CSV header and mapping, NACHA perspective...), serialized JSON. */
  options: string;
  /** Summary of the source file (NACHA control totals, excluded entries), serialized JSON or null. */
  source_details: string | null;
  parsing: number;
  total_items: number;
  processed_items: number;
  successful_items: number;
  failed_items: number;
  skipped_items: number;
  /** Checkpoint: every item with a smaller index has been committed. */
  next_index: number;
  /** Fencing token: incremented by every claim; a chunk commits only while it is still the claimer's. */
  claims: number;
  /** Claims given back on graceful shutdown; they do not count towards the max-claims limit. */
  released_claims: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  error_message: string | null;
  error_details: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  last_progress_at: number | null;
  /** The heartbeat a `bulk_request.stuck` event was written for: one event per stuck episode (docs/webhooks.md). */
  stuck_reported_for: number | null;
  cancellation_requested_at: number | null;
}

/**
 * A block of a request's staged items (SPEC §4): one row per few thousand items, never one per item.
 * Encoding: src/engine/segment-codec.ts.
 */
export interface BulkRequestSegmentTable {
  bulk_request_id: number;
  first_index: number;
  last_index: number;
  item_count: number;
  /** Characters of payload, newlines included. */
  bytes: number;
  /** Null when the items are first_index..last_index without gaps; else their indexes, comma-separated. */
  indexes: string | null;
  /** Null when no item has one (JSON); else one per item, comma-separated, empty for none. */
  row_numbers: string | null;
  /** The items as submitted (the JSON record, the CSV cells, the mapped NACHA entry), one JSON text a line. */
  payload: string;
}

export interface BulkRequestResultTable {
  bulk_request_id: number;
  item_index: number;
  status: 'successful' | 'failed' | 'skipped';
  record_id: number | null;
  error_code: string | null;
  error: string | null;
  /** Set for dry-run successes, so a later item of the same dry run still sees the would-be conflict. */
  data_stream_id: number | null;
  external_id: string | null;
}

/** A stream that a multi-stream request's items target (its data_stream_id is null); migration 0005. */
export interface BulkRequestStreamTable {
  data_stream_id: number;
  bulk_request_id: number;
}
