import { sql, type Kysely } from 'kysely';
import type { BulkRequestRow } from '../bulk/bulk-request.repository.js';
import type { Database } from '../db/database.js';

/** A resumed environment stream replays at most this many requests; a list page re-reads its page anyway. */
const REPLAY_MAX = 200;

/**
 * What a resumed environment stream starts with: the requests of the environment that moved after `since`
 * (epoch ms, the Last-Event-ID), judged by their own timestamps (created, started, progress, cancellation,
 * completion), newest first. Read once per reconnect, on the environment's rows only.
 */
export async function changedSince(db: Kysely<Database>, environmentId: number, since: number): Promise<BulkRequestRow[]> {
  const rows = await db
    .selectFrom('bulk_requests')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where(
      sql<boolean>`(created_at > ${since} OR started_at > ${since} OR last_progress_at > ${since} OR completed_at > ${since} OR cancellation_requested_at > ${since})`,
    )
    .orderBy('id', 'desc')
    .limit(REPLAY_MAX)
    .execute();
  return rows.reverse();
}
