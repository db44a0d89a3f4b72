import { sql, type Transaction } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';
import type { OperationKind } from '../../operations/operation.table.js';

interface Fenced {
  operationId: number;
  token: number;
  streamId: number;
  now: number;
}

/**
 * The commit that ends an operation, in the transaction of its last batch. The stream row is locked
 * `FOR UPDATE` first so nothing can attach to the stream (a property definition, a record) between the
 * clean-up below and the stream's own removal.
 *
 * Writers are kept out while the operation runs, so the keyset walk has seen every record; the counter
 * check (a few rows) proves it, and only if it finds a straggler does the full sweep run.
 * Reset keeps the stream and its property definitions and lifts the marker; delete removes both.
 */
export async function completeOperation(
  trx: Transaction<Database>,
  caps: Capabilities,
  kind: OperationKind,
  args: Fenced & { deleted: number; total: number },
): Promise<boolean> {
  const { streamId, now } = args;
  await sql`SELECT id FROM data_streams WHERE id = ${streamId} ${caps.rowLocks ? sql`FOR UPDATE` : sql``}`.execute(trx);
  let swept = 0;
  const left = await sql<{ n: number }>`SELECT COALESCE(SUM(records), 0) AS n FROM stream_record_counts WHERE data_stream_id = ${streamId}`.execute(trx);
  if (Number(left.rows[0]?.n ?? 0) > 0) {
    const result = await sql`DELETE FROM records WHERE data_stream_id = ${streamId}`.execute(trx);
    swept = Number(result.numAffectedRows ?? 0n);
  }
  await sql`DELETE FROM import_batches WHERE data_stream_id = ${streamId}`.execute(trx);
  await sql`DELETE FROM stream_record_counts WHERE data_stream_id = ${streamId}`.execute(trx);
  if (kind === 'delete') {
    await sql`DELETE FROM property_definitions WHERE data_stream_id = ${streamId}`.execute(trx);
    await sql`DELETE FROM data_streams WHERE id = ${streamId}`.execute(trx);
  } else {
    await sql`UPDATE data_streams SET active_operation_id = NULL WHERE id = ${streamId} AND active_operation_id = ${args.operationId}`.execute(trx);
  }
  const result = await sql`
    UPDATE stream_operations SET
      status = 'completed',
      deleted_records = deleted_records + ${args.deleted + swept},
      total_records = COALESCE(total_records, ${args.total}),
      completed_at = ${now},
      last_progress_at = ${now},
      lease_owner = NULL,
      lease_expires_at = NULL
    WHERE id = ${args.operationId} AND claims = ${args.token} AND status = 'running'
  `.execute(trx);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * Ends an operation the engine gives up on. The marker is lifted so the stream takes writes again: what was
 * deleted stays deleted, and the client may start a new delete or reset.
 */
export async function failOperation(trx: Transaction<Database>, args: Fenced & { errorMessage: string }): Promise<boolean> {
  const result = await sql`
    UPDATE stream_operations SET
      status = 'failed', error_message = ${args.errorMessage}, completed_at = ${args.now}, lease_owner = NULL, lease_expires_at = NULL
    WHERE id = ${args.operationId} AND claims = ${args.token} AND status = 'running'
  `.execute(trx);
  if (Number(result.numAffectedRows ?? 0n) !== 1) return false;
  await sql`UPDATE data_streams SET active_operation_id = NULL WHERE id = ${args.streamId} AND active_operation_id = ${args.operationId}`.execute(trx);
  return true;
}
