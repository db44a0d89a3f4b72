import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { Keyset } from '../http/pagination.js';
import type { WebhookEventTable } from './webhook.table.js';

export type EventRow = Selectable<WebhookEventTable>;

export async function findEvent(db: Kysely<Database>, environmentId: number, id: number): Promise<EventRow | undefined> {
  return db.selectFrom('webhook_events').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
}

export async function listEvents(db: Kysely<Database>, environmentId: number, filters: { eventType?: string }, after: Keyset | undefined, limit: number): Promise<EventRow[]> {
  let query = db.selectFrom('webhook_events').selectAll().where('environment_id', '=', environmentId);
  if (filters.eventType !== undefined) query = query.where('event_type', '=', filters.eventType);
  if (after) {
    query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** Each endpoint's deliveries of the event, oldest first (a redelivery adds one). */
export async function deliveriesOf(db: Kysely<Database>, eventId: number) {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'endpoint_id', 'status', 'attempts', 'next_attempt_at', 'last_status_code', 'last_error', 'created_at', 'completed_at'])
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}
