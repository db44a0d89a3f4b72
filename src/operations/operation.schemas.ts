import { Type } from 'typebox';
import { iso } from '../http/pagination.js';
import { Nullable, NullableTimestamp, Timestamp } from '../http/schemas.js';
import type { OperationRow } from './operation.repository.js';
import { operationUrl } from './operation-url.js';

export { operationUrl };

export const DataStreamOperation = Type.Object(
  {
    id: Type.Integer(),
    data_stream_id: Type.Integer({ description: 'Kept after a delete has removed the stream' }),
    data_stream_key: Type.String(),
    kind: Type.Enum(['delete', 'reset'] as const),
    status: Type.Enum(['pending', 'running', 'completed', 'failed'] as const, {
      description: 'pending = accepted, not started; running = records being deleted in chunks; completed; failed = given up (error_message says why)',
    }),
    progress: Type.Integer({ description: 'Percentage 0-100 of the records deleted; 100 only once completed' }),
    error_message: Nullable(Type.String()),
    started_at: NullableTimestamp,
    completed_at: NullableTimestamp,
    created_at: Timestamp,
    requested_by_user_id: Nullable(Type.Integer({ description: 'Always null: Sluice has API keys, not users' })),
  },
  { $id: 'DataStreamOperation', description: 'Asynchronous delete or reset of a data stream. Poll GET /data_streams/{key}/operations/{id}.' },
);

/** Completed is 100; until then the share of the stream's records deleted so far, held below 100. */
export function operationProgress(row: Pick<OperationRow, 'status' | 'total_records' | 'deleted_records'>): number {
  if (row.status === 'completed') return 100;
  if (!row.total_records) return 0;
  return Math.min(99, Math.floor((row.deleted_records * 100) / row.total_records));
}

export function serializeOperation(row: OperationRow) {
  return {
    id: row.id,
    data_stream_id: row.data_stream_id,
    data_stream_key: row.data_stream_key,
    kind: row.kind,
    status: row.status,
    progress: operationProgress(row),
    error_message: row.error_message,
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
    created_at: iso(row.created_at),
    requested_by_user_id: null,
  };
}
