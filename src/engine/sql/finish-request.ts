import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Ends a request this worker holds (fenced by its token): `cancelled` at a chunk boundary after a cancel,
 * `completed` when no item is left, `failed` when the engine gives up on it.
 */
export async function finishRequest(
  db: Kysely<Database>,
  args: {
    bulkRequestId: number;
    token: number;
    status: 'completed' | 'cancelled' | 'failed';
    now: number;
    errorMessage?: string;
    errorDetails?: Record<string, unknown>;
  },
): Promise<boolean> {
  const result = await sql`
    UPDATE bulk_requests SET
      status = ${args.status},
      completed_at = ${args.now},
      lease_owner = NULL,
      lease_expires_at = NULL,
      error_message = COALESCE(${args.errorMessage ?? null}, error_message),
      error_details = COALESCE(${args.errorDetails ? JSON.stringify(args.errorDetails) : null}, error_details)
    WHERE id = ${args.bulkRequestId} AND claims = ${args.token} AND status = 'processing'
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}
