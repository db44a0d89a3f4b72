import { Type } from 'typebox';
import { iso } from '../http/pagination.js';
import { Nullable, Timestamp } from '../http/schemas.js';
import { StringEnum } from '../records/record.schemas.js';
import type { ImportBatchRow } from './import-batch.repository.js';

export const ImportBatch = Type.Object(
  {
    id: Type.Integer(),
    data_stream_key: Type.String(),
    source: StringEnum(['csv_upload', 'nacha_upload', 'bai2_upload', 'camt053_upload', 'bulk_api'], { description: 'How the records were imported' }),
    filename: Nullable(Type.String()),
    record_count: Type.Integer(),
    total_credits: Type.Integer({ description: 'Sum of credit amounts, minor units' }),
    total_debits: Type.Integer({ description: 'Sum of debit amounts, minor units' }),
    net_amount: Type.Integer({ description: 'total_credits - total_debits, minor units' }),
    decimal_places: Type.Integer(),
    date_range_start: Nullable(Type.String({ format: 'date' })),
    date_range_end: Nullable(Type.String({ format: 'date' })),
    created_at: Timestamp,
    records_url: Type.String(),
    bulk_request_id: Type.Integer({ description: 'The upload that created the batch' }),
  },
  { $id: 'ImportBatch' },
);

export function serializeImportBatch(row: ImportBatchRow) {
  return {
    id: row.id,
    data_stream_key: row.data_stream_key,
    source: row.source,
    filename: row.filename,
    record_count: row.record_count,
    total_credits: row.total_credits,
    total_debits: row.total_debits,
    net_amount: row.total_credits - row.total_debits,
    decimal_places: row.decimal_places,
    date_range_start: row.date_range_start,
    date_range_end: row.date_range_end,
    created_at: iso(row.created_at),
    records_url: `/v1/import_batches/${row.id}/records`,
    bulk_request_id: row.bulk_request_id,
  };
}
