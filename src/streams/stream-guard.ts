import type { Transaction } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { Database } from '../db/database.js';
import { lockStreams } from '../engine/sql/lock-streams.js';
import { AppError } from '../errors/app-error.js';
import { operationUrl } from '../operations/operation-url.js';
import { activeBulkRequestIds, type DataStreamRow } from './data-stream.repository.js';

// While a delete or reset of a stream is pending or running, nothing new lands in it: a record written
// meanwhile would be deleted by a delete (or survive a reset the client believes complete). Every path that
// adds records checks here, inside the transaction that writes, under the lock of lock-streams.ts.

type Operation = { id: number; kind: string };

const gerund = (kind: string) => (kind === 'delete' ? 'deleted' : 'reset');

export function operationBusyMessage(streamKey: string, operation: Operation): string {
  return `Data stream "${streamKey}" is being ${gerund(operation.kind)} (operation ${operation.id}); it takes no new records until that operation ends.`;
}

export function streamBusyWithOperation(streamKey: string, operation: Operation): AppError {
  return new AppError('stream_busy', operationBusyMessage(streamKey, operation), {
    operation_id: operation.id,
    operation_kind: operation.kind,
    operation_url: operationUrl({ id: operation.id, data_stream_key: streamKey }),
  });
}

async function operationOf(trx: Transaction<Database>, id: number): Promise<Operation> {
  return trx.selectFrom('stream_operations').select(['id', 'kind']).where('id', '=', id).executeTakeFirstOrThrow();
}

/**
 * Before a delete or reset (the stream row locked for update by the caller): 409 `stream_busy` while an
 * operation or a pending/processing bulk request is at work in the stream (SPEC 24), naming them.
 */
export async function refuseIfBusy(trx: Transaction<Database>, stream: DataStreamRow): Promise<void> {
  if (stream.active_operation_id !== null) throw streamBusyWithOperation(stream.key, await operationOf(trx, stream.active_operation_id));
  const busy = await activeBulkRequestIds(trx, stream.id);
  if (busy.length > 0) throw new AppError('stream_busy', undefined, { bulk_request_ids: busy });
}

/**
 * For a write that adds records to one stream (POST /records, a new bulk request or upload into it), in
 * the writing transaction: 409 `stream_busy` while a delete or reset of the stream is under way. A stream
 * deleted since the caller looked it up is `unknown_data_stream`, unless `deleted: 'allow'` (bulk requests,
 * whose items report an unknown stream as a failed result, never as an HTTP error: SPEC 14).
 */
export async function assertStreamWritable(
  trx: Transaction<Database>,
  caps: Capabilities,
  stream: { id: number; key: string },
  options: { deleted: 'refuse' | 'allow' } = { deleted: 'refuse' },
): Promise<void> {
  const states = await lockStreams(trx, caps, [stream.id]);
  if (!states.has(stream.id)) {
    if (options.deleted === 'allow') return;
    throw new AppError('unknown_data_stream', undefined, { field: 'data_stream_key' });
  }
  const operationId = states.get(stream.id);
  if (operationId !== null && operationId !== undefined) throw streamBusyWithOperation(stream.key, await operationOf(trx, operationId));
}
