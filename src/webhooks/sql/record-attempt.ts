import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

export interface AttemptOutcome {
  deliveryId: number;
  endpointId: number;
  eventId: number;
  /** The claim's fencing token: the outcome is recorded only while the delivery is still this claim's. */
  token: number;
  url: string;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  now: number;
  /** When the delivery is due again after a failure; null when the schedule is exhausted. */
  retryAt: (attemptsSoFar: number) => number | null;
  disableAfterMs: number;
}

export type Recorded = 'delivered' | 'retry' | 'gave_up' | 'stale';

/**
 * One transaction per attempt: the attempt row, the delivery's new state and the endpoint's health move
 * together. `claims = token AND status = 'delivering'` fences it: a worker that lost its lease (another
 * took the delivery over after it expired) records nothing, and the other one's attempt counts instead.
 *
 * The endpoint's `failing_since` is set by the first failure after a success and cleared by a success; a
 * failure when it is older than `disableAfterMs` disables the endpoint, saying why (docs/webhooks.md).
 */
export async function recordAttempt(db: Kysely<Database>, outcome: AttemptOutcome): Promise<Recorded> {
  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('webhook_deliveries')
      .select(['attempts'])
      .where('id', '=', outcome.deliveryId)
      .where('claims', '=', outcome.token)
      .where('status', '=', 'delivering')
      .executeTakeFirst();
    if (!delivery) return 'stale';
    const attempt = delivery.attempts + 1;
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: outcome.deliveryId,
        endpoint_id: outcome.endpointId,
        event_id: outcome.eventId,
        attempt,
        url: outcome.url,
        status_code: outcome.statusCode,
        duration_ms: outcome.durationMs,
        error: outcome.error,
        response_excerpt: outcome.responseExcerpt,
        created_at: outcome.now,
      })
      .execute();
    const common = { attempts: attempt, lease_owner: null, lease_expires_at: null, last_status_code: outcome.statusCode, last_error: outcome.error };
    if (outcome.ok) {
      await trx.updateTable('webhook_deliveries').set({ ...common, status: 'succeeded', completed_at: outcome.now }).where('id', '=', outcome.deliveryId).execute();
      await trx.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', outcome.endpointId).where('failing_since', 'is not', null).execute();
      return 'delivered';
    }
    const retryAt = outcome.retryAt(attempt);
    await trx
      .updateTable('webhook_deliveries')
      .set(retryAt === null ? { ...common, status: 'failed', completed_at: outcome.now } : { ...common, status: 'pending', next_attempt_at: retryAt })
      .where('id', '=', outcome.deliveryId)
      .execute();
    await sql`
      UPDATE webhook_endpoints SET
        failing_since = COALESCE(failing_since, ${outcome.now}),
        disabled = CASE WHEN failing_since IS NOT NULL AND failing_since <= ${outcome.now - outcome.disableAfterMs} THEN 1 ELSE disabled END,
        disabled_reason = CASE WHEN failing_since IS NOT NULL AND failing_since <= ${outcome.now - outcome.disableAfterMs}
          THEN ${`Disabled automatically: every delivery attempt failed for ${formatDuration(outcome.disableAfterMs)} (the last one: ${describe(outcome)}). Fix the receiver, then PATCH disabled: false.`}
          ELSE disabled_reason END,
        updated_at = CASE WHEN failing_since IS NOT NULL AND failing_since <= ${outcome.now - outcome.disableAfterMs} THEN ${outcome.now} ELSE updated_at END
      WHERE id = ${outcome.endpointId}
    `.execute(trx);
    return retryAt === null ? 'gave_up' : 'retry';
  });
}

function describe(outcome: AttemptOutcome): string {
  return outcome.statusCode !== null ? `HTTP ${outcome.statusCode}` : (outcome.error ?? 'no answer').slice(0, 200);
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
