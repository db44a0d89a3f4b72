import { sql, type Transaction } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import { CHANGES_CHANNEL } from '../../db/change-channel.js';
import type { Database } from '../../db/database.js';

export interface ChunkCounts {
  processed: number;
  successful: number;
  failed: number;
  skipped: number;
}

/**
 * The last statement of a chunk: counters, checkpoint, heartbeat and lease move together with the chunk's
 * records, in its transaction, so what the API reports is always exactly what is committed. `claims = token`
 * is the fence a second time (the row lock or SQLite's write lock already guarantees it; this keeps the
 * statement safe on its own). When the chunk was the last one, the request completes in the same commit.
 *
 * PostgreSQL (capability `changeNotifications`): the same statement announces the chunk to the API's event
 * streams (docs/live-updates.md), `pg_notify` over the updated row in a data-modifying CTE, so the chunk costs
 * no extra round trip; the notification is delivered when, and only if, the chunk commits, in commit order.
 * No row updated (the fence failed) means no notification. SQLite's streams poll the row instead.
 */
export async function advanceCheckpoint(
  trx: Transaction<Database>,
  caps: Capabilities,
  args: { bulkRequestId: number; token: number; counts: ChunkCounts; nextIndex: number; now: number; leaseMs: number; complete: boolean },
): Promise<boolean> {
  const { counts, now } = args;
  const update = sql`
    UPDATE bulk_requests SET
      processed_items = processed_items + ${counts.processed},
      successful_items = successful_items + ${counts.successful},
      failed_items = failed_items + ${counts.failed},
      skipped_items = skipped_items + ${counts.skipped},
      next_index = ${args.nextIndex},
      last_progress_at = ${now},
      lease_expires_at = ${now + args.leaseMs},
      status = ${args.complete ? 'completed' : 'processing'},
      completed_at = ${args.complete ? now : null},
      lease_owner = CASE WHEN ${args.complete ? 1 : 0} = 1 THEN NULL ELSE lease_owner END
    WHERE id = ${args.bulkRequestId} AND claims = ${args.token} AND status = 'processing'
  `;
  if (caps.changeNotifications) {
    const notified = await sql`
      WITH moved AS (${update} RETURNING id, environment_id)
      SELECT pg_notify(${CHANGES_CHANNEL}, current_schema() || ':' || environment_id || ':' || id) FROM moved
    `.execute(trx);
    return notified.rows.length === 1;
  }
  const result = await update.execute(trx);
  return Number(result.numAffectedRows ?? 0n) === 1;
}
