import type { Generated } from 'kysely';

export type OperationKind = 'delete' | 'reset';
export type OperationStatus = 'pending' | 'running' | 'completed' | 'failed';

/** An asynchronous delete or reset of a data stream. The row is the job: progress, checkpoint and lease live here. */
export interface StreamOperationTable {
  id: Generated<number>;
  environment_id: number;
  /** Kept, with the key, after a delete removes the stream: the operation stays readable. */
  data_stream_id: number;
  data_stream_key: string;
  kind: OperationKind;
  status: OperationStatus;
  /** Records in the stream when the first worker started on it; null until then. */
  total_records: number | null;
  deleted_records: number;
  /** Keyset checkpoint on (created_at, id): every record of the stream at or before it has been deleted. */
  checkpoint_created_at: number | null;
  checkpoint_id: number | null;
  /** Fencing token: incremented by every claim; a chunk commits only while it is still the claimer's. */
  claims: number;
  /** Claims given back on graceful shutdown; they do not count towards the max-claims limit. */
  released_claims: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  last_progress_at: number | null;
}
