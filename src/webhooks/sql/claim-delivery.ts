import { sql, type Kysely, type Selectable } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';
import type { WebhookDeliveryTable } from '../webhook.table.js';

export type DeliveryRow = Selectable<WebhookDeliveryTable>;

/**
 * Claims the next delivery that is due, for `leaseMs`. Due: `pending` whose time has come, or `delivering`
 * whose lease expired (its worker died mid-attempt: it is sent again, with the same webhook-id). Per endpoint
 * events go in the order they happened: only an endpoint's oldest unfinished delivery is claimable, so a
 * later event waits while an earlier one is being sent or waits for its retry. That also means at most one
 * attempt per endpoint is in flight, whatever the number of workers.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` on the candidate lets workers in any process claim different
 * deliveries without waiting on each other; the order check cannot let two of one endpoint through, since
 * the earlier one is unfinished in every snapshot until its outcome commits. SQLite: one writer, so the
 * single `UPDATE ... WHERE id = (SELECT ...)` is already atomic. Both walk the partial index of unfinished
 * deliveries; finished ones (nearly all, in time) are never read.
 */
export async function claimDelivery(db: Kysely<Database>, caps: Capabilities, owner: string, now: number, leaseMs: number): Promise<DeliveryRow | undefined> {
  const due = (lock: boolean) => sql`
    SELECT c.id FROM webhook_deliveries c
    JOIN webhook_endpoints e ON e.id = c.endpoint_id AND e.disabled = 0
    WHERE c.status IN ('pending', 'delivering')
      AND ((c.status = 'pending' AND c.next_attempt_at <= ${now}) OR (c.status = 'delivering' AND c.lease_expires_at < ${now}))
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries p
        WHERE p.endpoint_id = c.endpoint_id AND p.status IN ('pending', 'delivering') AND p.id < c.id
      )
    ORDER BY c.id
    LIMIT 1
    ${lock && caps.skipLocked ? sql`FOR UPDATE OF c SKIP LOCKED` : sql``}
  `;
  // A read first: the usual answer on every poll is "nothing due", and then no write (on SQLite, no write
  // lock) is taken at all.
  if ((await due(false).execute(db)).rows.length === 0) return undefined;
  const candidate = due(true);
  const result = await sql<DeliveryRow>`
    UPDATE webhook_deliveries SET
      status = 'delivering',
      claims = claims + 1,
      lease_owner = ${owner},
      lease_expires_at = ${now + leaseMs}
    WHERE id = (${candidate})
    RETURNING *
  `.execute(db);
  return result.rows[0];
}
