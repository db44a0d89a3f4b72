import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { serializeBulkRequest } from '../bulk/bulk-request.schemas.js';
import { findImportBatch } from '../imports/import-batch.repository.js';
import { serializeImportBatch } from '../imports/import-batch.schemas.js';
import type { OperationRow } from '../operations/operation.repository.js';
import { serializeOperation } from '../operations/operation.schemas.js';
import { recordEvent } from './sql/record-event.js';

// The events of each change, written by the code that makes the change, in its transaction. `data` is the
// object as the API returns it at that moment (a bulk request without its results page: GET it for those).

type Ending = 'completed' | 'failed' | 'cancelled';

/** `bulk_request.completed|failed|cancelled`: the request row as the transaction just left it. */
export async function emitBulkRequestEnded(trx: Transaction<Database>, bulkRequestId: number, now: number): Promise<void> {
  const row = await trx.selectFrom('bulk_requests').selectAll().where('id', '=', bulkRequestId).executeTakeFirstOrThrow();
  if (row.status !== 'completed' && row.status !== 'failed' && row.status !== 'cancelled') {
    throw new Error(`bulk request ${bulkRequestId} is ${row.status}, not ended`);
  }
  const status: Ending = row.status;
  await recordEvent(trx, { environmentId: row.environment_id, type: `bulk_request.${status}`, data: serializeBulkRequest(row, now, Infinity), now });
}

/** `bulk_request.stuck`, in the transaction that marked the episode reported. */
export async function emitBulkRequestStuck(trx: Transaction<Database>, bulkRequestId: number, now: number, stuckAfterMs: number): Promise<void> {
  const row = await trx.selectFrom('bulk_requests').selectAll().where('id', '=', bulkRequestId).executeTakeFirstOrThrow();
  await recordEvent(trx, { environmentId: row.environment_id, type: 'bulk_request.stuck', data: serializeBulkRequest(row, now, stuckAfterMs), now });
}

/** `import_batch.created`, in the chunk transaction that created the batch (its totals are that chunk's). */
export async function emitImportBatchCreated(trx: Transaction<Database>, environmentId: number, importBatchId: number, now: number): Promise<void> {
  const batch = await findImportBatch(trx, environmentId, importBatchId);
  if (!batch) return;
  await recordEvent(trx, { environmentId, type: 'import_batch.created', data: serializeImportBatch(batch), now });
}

/** `data_stream.operation.completed`, in the transaction of the operation's last chunk. */
export async function emitOperationCompleted(trx: Transaction<Database>, operationId: number, now: number): Promise<void> {
  const row: OperationRow = await trx.selectFrom('stream_operations').selectAll().where('id', '=', operationId).executeTakeFirstOrThrow();
  await recordEvent(trx, { environmentId: row.environment_id, type: 'data_stream.operation.completed', data: serializeOperation(row), now });
}
