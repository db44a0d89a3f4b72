import type { Generated } from 'kysely';

/** The records created from one uploaded file; totals are maintained chunk by chunk by the engine. */
export interface ImportBatchTable {
  id: Generated<number>;
  environment_id: number;
  data_stream_id: number;
  bulk_request_id: number;
  source: 'csv_upload' | 'nacha_upload' | 'bai2_upload' | 'camt053_upload';
  filename: string | null;
  record_count: number;
  total_credits: number;
  total_debits: number;
  decimal_places: number;
  date_range_start: string | null;
  date_range_end: string | null;
  created_at: number;
}
