import type { Generated } from 'kysely';

export type Direction = 'credit' | 'debit';
/** How a record came in; `import_batch_id` is set for the two upload sources. */
export type RecordSource = 'api' | 'bulk_api' | 'csv_upload' | 'nacha_upload' | 'bai2_upload' | 'camt053_upload';

export interface RecordTable {
  id: Generated<number>;
  environment_id: number;
  data_stream_id: number;
  external_id: string | null;
  /** `YYYY-MM-DD`; text sorts correctly and reads the same on both databases. */
  date: string;
  /** Integer minor units of `currency`. */
  amount: number;
  direction: Direction;
  currency: string;
  description: string | null;
  /** Serialized JSON object, kept exactly as sent (no key reordering). */
  metadata: string;
  source: RecordSource;
  bulk_request_id: number | null;
  /** The item's index in its bulk request: successful results are read from here, not stored twice. */
  item_index: number | null;
  import_batch_id: number | null;
  created_at: number;
  updated_at: number;
}
