import { sql, type Kysely, type Selectable } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';
import type { StreamOperationTable } from '../../operations/operation.table.js';

export type ClaimedOperation = Selectable<StreamOperationTable>;

/**
 * Takes the oldest stream operation that is pending, or running without a live lease: expired (its worker
 * died or froze) or given back (`lease_expires_at` null after a graceful shutdown). Same shape as
 * claim-request.ts, for the same reasons: each claim increments `claims`, the fencing token; PostgreSQL
 * skips rows other workers are claiming, SQLite's single conditional UPDATE is atomic by itself; both scan
 * the partial index of live operations only.
 *
 * A given-back operation stays `running` (it has started, and a client polling it should not see it go
 * back to `pending`); its null lease is what makes it claimable at once.
 */
export async function claimOperation(
  db: Kysely<Database>,
  caps: Capabilities,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<ClaimedOperation | undefined> {
  const candidate = sql`
    SELECT id FROM stream_operations
    WHERE status IN ('pending', 'running')
      AND (status = 'pending' OR lease_expires_at IS NULL OR lease_expires_at < ${now})
    ORDER BY created_at, id
    LIMIT 1
    ${caps.skipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``}
  `;
  const result = await sql<ClaimedOperation>`
    UPDATE stream_operations SET
      status = 'running',
      claims = claims + 1,
      lease_owner = ${owner},
      lease_expires_at = ${now + leaseMs},
      started_at = COALESCE(started_at, ${now}),
      last_progress_at = ${now}
    WHERE id = (${candidate})
    RETURNING *
  `.execute(db);
  return result.rows[0];
}
