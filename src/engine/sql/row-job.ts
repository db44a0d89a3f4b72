import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';

/**
 * Bulk requests and stream operations are both row-jobs: the row holds status, checkpoint, claims (the
 * fencing token) and lease, and workers claim, renew, give back and expire them the same way. What differs
 * is named here, once; the statements below serve both.
 */
export interface RowJob {
  table: 'bulk_requests' | 'stream_operations';
  /** The status of a job a worker holds. */
  running: 'processing' | 'running';
  /** What else a pending job needs before it can be claimed (a request's file must be whole). */
  ready: ReturnType<typeof sql>;
  /**
   * Where graceful shutdown puts the job back: a request returns to `pending`; an operation stays `running`
   * (it has started, and a client polling it should not see it go back), its null lease making it claimable.
   */
  released: 'pending' | 'running';
}

export const REQUEST_JOB: RowJob = { table: 'bulk_requests', running: 'processing', ready: sql`parsing = 0`, released: 'pending' };
export const OPERATION_JOB: RowJob = { table: 'stream_operations', running: 'running', ready: sql`TRUE`, released: 'running' };

/**
 * Takes the oldest job that is pending (and ready), or running without a live lease: expired (its worker
 * died or froze) or given back (null). Each claim increments `claims`, the fencing token every later write
 * of this worker is checked against. Setting `last_progress_at` on a takeover clears `stuck`: a worker is
 * on it again.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the subquery lets concurrent workers pass over each other's
 * candidates instead of queueing on the same row. SQLite: one writer at a time, so the single
 * `UPDATE ... WHERE id = (SELECT ...)` is atomic by itself. Both scan the partial index of live jobs.
 */
export async function claimRow<Row>(db: Kysely<Database>, caps: Capabilities, job: RowJob, owner: string, now: number, leaseMs: number): Promise<Row | undefined> {
  const table = sql.table(job.table);
  const candidate = sql`
    SELECT id FROM ${table}
    WHERE status IN ('pending', ${job.running}) AND ${job.ready}
      AND (status = 'pending' OR lease_expires_at IS NULL OR lease_expires_at < ${now})
    ORDER BY created_at, id
    LIMIT 1
    ${caps.skipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``}
  `;
  const result = await sql<Row>`
    UPDATE ${table} SET
      status = ${job.running},
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

/**
 * Heartbeat between chunk commits: extends the lease only while the claim is still ours. False means
 * another worker took over (our lease had expired) or the job ended: stop at once, commit nothing.
 */
export async function renewLease(db: Kysely<Database>, job: RowJob, id: number, token: number, now: number, leaseMs: number): Promise<boolean> {
  const result = await sql`
    UPDATE ${sql.table(job.table)} SET lease_expires_at = ${now + leaseMs}
    WHERE id = ${id} AND claims = ${token} AND status = ${job.running}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * Graceful shutdown: give the job back (see `released`) so any worker resumes it from the checkpoint at
 * once. The claim is counted as released so it does not count towards the max-claims limit (a deploy is
 * not a crash).
 */
export async function releaseLease(db: Kysely<Database>, job: RowJob, id: number, token: number): Promise<boolean> {
  const result = await sql`
    UPDATE ${sql.table(job.table)} SET status = ${job.released}, lease_owner = NULL, lease_expires_at = NULL,
      released_claims = released_claims + 1
    WHERE id = ${id} AND claims = ${token} AND status = ${job.running}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/**
 * After an unexpected error: keep the claim counted (it may be a poison job) but let the lease lapse now,
 * so the next attempt does not wait a whole lease.
 */
export async function expireLease(db: Kysely<Database>, job: RowJob, id: number, token: number, now: number): Promise<void> {
  await sql`
    UPDATE ${sql.table(job.table)} SET lease_expires_at = ${now - 1}
    WHERE id = ${id} AND claims = ${token} AND status = ${job.running}
  `.execute(db);
}

/**
 * The heartbeat of a job in hand: renews its lease every `everyMs` while chunks run. `lost()` turns true
 * once a renewal finds the claim gone (another worker took over, or the job ended): the runner then stops
 * before its next chunk. A renewal that fails (the database away) changes nothing: the chunk's own fence
 * decides. `stop()` when the job is done with.
 */
export function startHeartbeat(db: Kysely<Database>, job: RowJob, id: number, token: number, now: () => number, leaseMs: number, everyMs: number) {
  let lost = false;
  const timer = setInterval(() => {
    renewLease(db, job, id, token, now(), leaseMs)
      .then((ok) => {
        if (!ok) lost = true;
      })
      .catch(() => {});
  }, everyMs);
  timer.unref();
  return { lost: () => lost, stop: () => clearInterval(timer) };
}
