import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

// The lease of a stream operation; the same three moves as lease.ts makes for bulk requests.

/** Heartbeat between chunk commits; false means the operation is no longer ours (taken over or ended). */
export async function renewOperationLease(db: Kysely<Database>, operationId: number, token: number, now: number, leaseMs: number): Promise<boolean> {
  const result = await sql`
    UPDATE stream_operations SET lease_expires_at = ${now + leaseMs}
    WHERE id = ${operationId} AND claims = ${token} AND status = 'running'
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * Graceful shutdown: drop the lease so any worker resumes from the checkpoint at once. The claim is counted
 * as released, so a deploy does not count towards the max-claims limit.
 */
export async function releaseOperationLease(db: Kysely<Database>, operationId: number, token: number): Promise<boolean> {
  const result = await sql`
    UPDATE stream_operations SET lease_owner = NULL, lease_expires_at = NULL, released_claims = released_claims + 1
    WHERE id = ${operationId} AND claims = ${token} AND status = 'running'
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/** After an unexpected error: keep the claim counted, let the lease lapse now so the retry comes soon. */
export async function expireOperationLease(db: Kysely<Database>, operationId: number, token: number, now: number): Promise<void> {
  await sql`
    UPDATE stream_operations SET lease_expires_at = ${now - 1}
    WHERE id = ${operationId} AND claims = ${token} AND status = 'running'
  `.execute(db);
}
