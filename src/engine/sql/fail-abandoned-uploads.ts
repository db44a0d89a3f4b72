import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { emitBulkRequestEnded } from '../../webhooks/emit.js';

/**
 * An upload whose API process died mid-file stays `parsing` with no heartbeat. Workers sweep such requests
 * on their poll: `failed` with `upload_interrupted`, staged segments removed (nothing of a file that was not
 * received whole is processed). `parsing` rows are few and `pending`, so the partial index of live requests
 * keeps this cheap; the heartbeat (every SLUICE_HEARTBEAT_MS while bytes arrive) keeps live uploads out.
 */
export async function failAbandonedUploads(db: Kysely<Database>, now: number, staleAfterMs: number): Promise<number[]> {
  const message = 'The upload was interrupted (the process receiving it stopped); nothing of it was processed.';
  const details = JSON.stringify({
    kind: 'upload_interrupted',
    errors: [{ line: null, field: null, code: 'upload_interrupted', message }],
    error_count: 1,
  });
  const staleQuery = sql<{ id: number }>`
    SELECT id FROM bulk_requests
    WHERE status IN ('pending', 'processing') AND parsing = 1 AND COALESCE(last_progress_at, created_at) < ${now - staleAfterMs}
  `;
  // A read first, outside any transaction: the usual answer is "none", and then no write lock is taken.
  if ((await staleQuery.execute(db)).rows.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const ids = (await staleQuery.execute(trx)).rows.map((r) => r.id);
    if (ids.length === 0) return ids;
    await trx.deleteFrom('bulk_request_segments').where('bulk_request_id', 'in', ids).execute();
    const ended = await trx
      .updateTable('bulk_requests')
      .set({ status: 'failed', parsing: 0, total_items: 0, completed_at: now, error_message: message, error_details: details })
      .where('id', 'in', ids)
      .where('status', 'in', ['pending', 'processing'])
      .where('parsing', '=', 1)
      .where(sql<boolean>`COALESCE(last_progress_at, created_at) < ${now - staleAfterMs}`)
      .returning('id')
      .execute();
    // Only the rows this update ended (on PostgreSQL a concurrent sweep may have ended some first): one event each.
    for (const { id } of ended) await emitBulkRequestEnded(trx, id, now);
    return ended.map((r) => r.id);
  });
}
