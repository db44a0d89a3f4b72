import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DataStreamRow } from '../streams/data-stream.repository.js';
import { refuseIfBusy } from '../streams/stream-guard.js';
import type { OperationKind, StreamOperationTable } from './operation.table.js';

export type OperationRow = Selectable<StreamOperationTable>;

type Db = Kysely<Database> | Transaction<Database>;

/** An operation as seen through its stream's key: another environment's, or another stream's, is not found. */
export async function findOperation(db: Db, environmentId: number, streamKey: string, id: number): Promise<OperationRow | undefined> {
  return db
    .selectFrom('stream_operations')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .where('data_stream_key', '=', streamKey)
    .executeTakeFirst();
}

/**
 * Starts a delete or reset, in the caller's transaction with the stream row locked for update
 * (`lockStreamForOperation`). An operation of the same kind already under way is returned instead of a second
 * one (`created: false`): with writes held off, a second one could only repeat the first. Anything else that
 * is going on in the stream (the other kind of operation, pending or processing bulk requests) is a 409.
 * The marker set on the stream here is what keeps writers out from this commit on.
 */
export async function beginOperation(
  trx: Transaction<Database>,
  stream: DataStreamRow,
  kind: OperationKind,
  now: number,
): Promise<{ operation: OperationRow; created: boolean }> {
  if (stream.active_operation_id !== null) {
    const active = await trx.selectFrom('stream_operations').selectAll().where('id', '=', stream.active_operation_id).executeTakeFirstOrThrow();
    if (active.kind === kind) return { operation: active, created: false };
  }
  await refuseIfBusy(trx, stream);
  const operation = await trx
    .insertInto('stream_operations')
    .values({
      environment_id: stream.environment_id,
      data_stream_id: stream.id,
      data_stream_key: stream.key,
      kind,
      status: 'pending',
      total_records: null,
      deleted_records: 0,
      checkpoint_created_at: null,
      checkpoint_id: null,
      claims: 0,
      released_claims: 0,
      lease_owner: null,
      lease_expires_at: null,
      error_message: null,
      created_at: now,
      started_at: null,
      completed_at: null,
      last_progress_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.updateTable('data_streams').set({ active_operation_id: operation.id }).where('id', '=', stream.id).execute();
  return { operation, created: true };
}
