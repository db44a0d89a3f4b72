import type { Transaction } from 'kysely';
import type { Database } from '../../db/database.js';
import type { EventType } from '../event-types.js';

/**
 * The outbox write. Runs in the caller's transaction, the one that makes the change the event reports: the
 * event and one pending delivery per subscribed endpoint commit with the change or not at all, so a crash
 * after the commit loses no event and a rolled-back change emits none (docs/webhooks.md, "Outbox").
 *
 * Endpoints are read here, not joined at delivery time: an endpoint created after the event does not get it,
 * one disabled or unsubscribed at the time does not either. An environment has a handful of endpoints, so
 * reading them and filtering by type in the application is cheaper than JSON functions that differ between
 * the two databases.
 */
export async function recordEvent(
  trx: Transaction<Database>,
  event: { environmentId: number; type: EventType; data: unknown; now: number },
): Promise<number> {
  const inserted = await trx
    .insertInto('webhook_events')
    .values({ environment_id: event.environmentId, event_type: event.type, data: JSON.stringify(event.data), created_at: event.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'enabled_events'])
    .where('environment_id', '=', event.environmentId)
    .where('disabled', '=', 0)
    .execute();
  const subscribed = endpoints.filter((e) => e.enabled_events === null || (JSON.parse(e.enabled_events) as string[]).includes(event.type));
  if (subscribed.length > 0) await addDeliveries(trx, inserted.id, event.environmentId, subscribed.map((e) => e.id), event.now);
  return inserted.id;
}

/** Pending deliveries of one event, due now. Also what a redelivery adds. */
export async function addDeliveries(trx: Transaction<Database>, eventId: number, environmentId: number, endpointIds: number[], now: number): Promise<void> {
  if (endpointIds.length === 0) return;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      endpointIds.map((endpointId) => ({
        environment_id: environmentId,
        event_id: eventId,
        endpoint_id: endpointId,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        claims: 0,
        lease_owner: null,
        lease_expires_at: null,
        last_status_code: null,
        last_error: null,
        created_at: now,
        completed_at: null,
      })),
    )
    .execute();
}
