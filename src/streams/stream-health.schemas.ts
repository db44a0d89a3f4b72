import { Type } from 'typebox';
import { Timestamp } from '../http/schemas.js';

const count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });

export const DataStreamHealth = Type.Object(
  {
    records_count: count(),
    import_batches_count: count(),
    import_batches_record_sum: count(
      'Sum of record_count across the import batches. Drift from records_count indicates orphaned or extra records (records edited or deleted after an upload do not change its batch totals).',
    ),
    orphan_records_count: count('Records with no import_batch_id (created with POST /records or POST /records/bulk)'),
    bulk_requests: Type.Object({
      pending: count(),
      processing: count(),
      completed: count(),
      failed: count(),
      cancelled: count(),
      stuck: count('processing, and no progress for longer than the stuck threshold (5 minutes by default)'),
    }),
    last_ingestion_at: Type.Union([Timestamp, Type.Null()], { description: 'Most recent record created_at in the stream; null when it has none' }),
  },
  { $id: 'DataStreamHealth', description: 'Ingestion health of a data stream. Every number is an index lookup; safe to poll.' },
);
