import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Heartbeat between chunk commits: extends the lease only while the claim is still ours. Zero rows means
 * another worker took over (our lease had expired) or the request ended: stop at once, commit nothing.
 */
export async function renewLease(db: Kysely<Database>, bulkRequestId: number, token: number, now: number, leaseMs: number): Promise<boolean> {
  const result = await sql`
    UPDATE bulk_requests SET lease_expires_at = ${now + leaseMs}
    WHERE id = ${bulkRequestId} AND claims = ${token} AND status = 'processing'
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * Graceful shutdown: give the request back as `pending` so any worker resumes it from the checkpoint at
 * once. The claim is counted as released so it does not count towards the max-claims limit (a deploy is not
 * a crash).
 */
export async function releaseLease(db: Kysely<Database>, bulkRequestId: number, token: number): Promise<boolean> {
  const result = await sql`
    UPDATE bulk_requests SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,
      released_claims = released_claims + 1
    WHERE id = ${bulkRequestId} AND claims = ${token} AND status = 'processing'
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * After an unexpected error: keep the claim counted (it may be a poison request) but let the lease lapse
 * now, so the next attempt does not wait a whole lease.
 */
export async function expireLease(db: Kysely<Database>, bulkRequestId: number, token: number, now: number): Promise<void> {
  await sql`
    UPDATE bulk_requests SET lease_expires_at = ${now - 1}
    WHERE id = ${bulkRequestId} AND claims = ${token} AND status = 'processing'
  `.execute(db);
}
