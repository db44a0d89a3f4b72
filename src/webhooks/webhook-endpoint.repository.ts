import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { Keyset } from '../http/pagination.js';
import type { AttemptRow, EndpointRow } from './webhook-endpoint.schemas.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How long a rotated-out secret keeps signing beside the new one. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3_600_000;

/** `["*"]` (or nothing) is every type, stored as NULL; otherwise the list. */
export function storedEnabledEvents(events: string[] | undefined): string | null {
  if (events === undefined || events.includes('*')) return null;
  return JSON.stringify(events);
}

export async function insertEndpoint(
  db: Db,
  values: { environmentId: number; url: string; description: string | null; enabledEvents: string | null; disabled: boolean; secret: string; now: number },
): Promise<EndpointRow> {
  return db
    .insertInto('webhook_endpoints')
    .values({
      environment_id: values.environmentId,
      url: values.url,
      description: values.description,
      enabled_events: values.enabledEvents,
      disabled: values.disabled ? 1 : 0,
      disabled_reason: null,
      secret: values.secret,
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_at: values.now,
      updated_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findEndpoint(db: Db, environmentId: number, id: number): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
}

export async function listEndpoints(db: Db, environmentId: number, after: Keyset | undefined, limit: number): Promise<EndpointRow[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where('environment_id', '=', environmentId);
  if (after) {
    query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function updateEndpoint(
  db: Db,
  row: EndpointRow,
  changes: { url?: string; description?: string | null; enabledEvents?: string | null; disabled?: boolean },
  now: number,
): Promise<EndpointRow> {
  const reenabled = changes.disabled === false && row.disabled === 1;
  return db
    .updateTable('webhook_endpoints')
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.enabledEvents !== undefined ? { enabled_events: changes.enabledEvents } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
      // Re-enabled: the failure history that disabled it is over; the next failure starts a new one.
      ...(reenabled ? { disabled_reason: null, failing_since: null } : {}),
      ...(changes.disabled === true ? { disabled_reason: null } : {}),
      updated_at: now,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes the endpoint with its deliveries and their attempts; the events stay (other endpoints may have them). */
export async function deleteEndpoint(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute();
  await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
  await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/** The new secret signs from now on; the current one keeps signing beside it for PREVIOUS_SECRET_TTL_MS. */
export async function rotateSecret(db: Db, row: EndpointRow, secret: string, now: number): Promise<EndpointRow> {
  return db
    .updateTable('webhook_endpoints')
    .set({ secret, previous_secret: row.secret, previous_secret_expires_at: now + PREVIOUS_SECRET_TTL_MS, updated_at: now })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An endpoint's attempts, newest first, keyset-paginated on (created_at, id). */
export async function listAttempts(db: Db, endpointId: number, after: Keyset | undefined, limit: number): Promise<AttemptRow[]> {
  let query = db
    .selectFrom('webhook_attempts as a')
    .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
    .innerJoin('webhook_events as e', 'e.id', 'a.event_id')
    .selectAll('a')
    .select(['e.event_type as event_type', 'd.status as delivery_status', 'd.next_attempt_at as next_attempt_at'])
    .where('a.endpoint_id', '=', endpointId);
  if (after) {
    query = query.where((eb) => eb.or([eb('a.created_at', '<', after.createdAt), eb.and([eb('a.created_at', '=', after.createdAt), eb('a.id', '<', after.id)])]));
  }
  return query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit + 1).execute();
}
