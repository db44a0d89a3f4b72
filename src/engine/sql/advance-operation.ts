import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database.js';
import type { RecordKeyset } from './delete-records-batch.js';

/**
 * Last statement of an operation chunk: progress, checkpoint, heartbeat and lease move in the transaction
 * that deleted the batch, so what GET .../operations/{id} reports is exactly what is committed, and a
 * restart resumes at the checkpoint. `total_records` is set once, by the first chunk ever committed.
 */
export async function advanceOperation(
  trx: Transaction<Database>,
  args: { operationId: number; token: number; deleted: number; total: number; checkpoint: RecordKeyset; now: number; leaseMs: number },
): Promise<boolean> {
  const result = await sql`
    UPDATE stream_operations SET
      deleted_records = deleted_records + ${args.deleted},
      total_records = COALESCE(total_records, ${args.total}),
      checkpoint_created_at = ${args.checkpoint.createdAt},
      checkpoint_id = ${args.checkpoint.id},
      last_progress_at = ${args.now},
      lease_expires_at = ${args.now + args.leaseMs}
    WHERE id = ${args.operationId} AND claims = ${args.token} AND status = 'running'
  `.execute(trx);
  return Number(result.numAffectedRows ?? 0n) === 1;
}
