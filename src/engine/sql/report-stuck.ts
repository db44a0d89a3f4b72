import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { emitBulkRequestStuck } from '../../webhooks/emit.js';

/**
 * `bulk_request.stuck`, once per stuck episode (docs/webhooks.md). A request is stuck while it is
 * `processing` with no heartbeat for `stuckAfterMs` (the same rule as the API's `stuck: true`). The
 * heartbeat an event was written for is kept in `stuck_reported_for`; a later heartbeat (progress again, a
 * takeover) makes the next stall a new episode. The conditional UPDATE is what makes "once" hold with many
 * workers sweeping: on PostgreSQL the second one re-checks the row after the first commits and finds it
 * reported; SQLite has one writer. Live requests are few (the partial index of live requests), so the read
 * that usually finds nothing is cheap, and it runs at most once per heartbeat interval per worker.
 */
export async function reportStuckRequests(db: Kysely<Database>, now: number, stuckAfterMs: number): Promise<number[]> {
  const heartbeat = sql<number>`COALESCE(last_progress_at, started_at, created_at)`;
  const stuck = sql<boolean>`status = 'processing' AND ${heartbeat} < ${now - stuckAfterMs}
    AND (stuck_reported_for IS NULL OR stuck_reported_for <> ${heartbeat})`;
  const candidates = await db.selectFrom('bulk_requests').select('id').where(stuck).execute();
  const reported: number[] = [];
  for (const { id } of candidates) {
    const done = await db.transaction().execute(async (trx) => {
      const marked = await trx.updateTable('bulk_requests').set({ stuck_reported_for: heartbeat }).where('id', '=', id).where(stuck).executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1) return false;
      await emitBulkRequestStuck(trx, id, now, stuckAfterMs);
      return true;
    });
    if (done) reported.push(id);
  }
  return reported;
}
