import { sql, type Kysely, type Selectable } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';
import type { BulkRequestTable } from '../../bulk/bulk-request.table.js';

export type ClaimedRequest = Selectable<BulkRequestTable>;

/**
 * Takes the oldest request that is pending (and fully staged), or processing under an expired lease.
 * Each claim increments `claims`, the fencing token every later write of this worker is checked against.
 * Setting `last_progress_at` on a takeover clears `stuck`: a worker is on it again.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the subquery lets concurrent workers pass over each other's
 * candidates instead of queueing on the same row. SQLite: one writer at a time, so the single
 * `UPDATE ... WHERE id = (SELECT ...)` is atomic by itself. Both scan the partial index of live requests.
 */
export async function claimRequest(
  db: Kysely<Database>,
  caps: Capabilities,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<ClaimedRequest | undefined> {
  const candidate = sql`
    SELECT id FROM bulk_requests
    WHERE status IN ('pending', 'processing') AND parsing = 0
      AND (status = 'pending' OR lease_expires_at < ${now})
    ORDER BY created_at, id
    LIMIT 1
    ${caps.skipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``}
  `;
  const result = await sql<ClaimedRequest>`
    UPDATE bulk_requests SET
      status = 'processing',
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
