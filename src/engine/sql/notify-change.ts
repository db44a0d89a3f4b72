import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import { CHANGES_CHANNEL } from '../../db/change-channel.js';
import type { Database } from '../../db/database.js';

/**
 * Tells the API processes that bulk request `id` moved (docs/live-updates.md), on PostgreSQL only
 * (capability `changeNotifications`; SQLite's streams poll). Run inside the transaction that moved it: the
 * notification is then delivered when, and only if, that transaction commits, and in commit order, so an event
 * never shows a state that was rolled back and never overtakes an earlier chunk. One short statement: a chunk
 * of 1,000 items is tens of milliseconds; this is one more round trip on a connection already held. The payload
 * carries the schema (channels are per database; see change-channel.ts) and the id, never the row: the listener
 * reads the row itself, once for all its streams, with the environment check every read has.
 */
export async function notifyRequestChanged(db: Kysely<Database>, caps: Capabilities, id: number): Promise<void> {
  if (!caps.changeNotifications) return;
  await sql`SELECT pg_notify(${CHANGES_CHANNEL}, current_schema() || ':' || ${String(id)})`.execute(db);
}

/** The same for several requests in one statement (a sweep that fails many abandoned uploads at once). */
export async function notifyRequestsChanged(db: Kysely<Database>, caps: Capabilities, ids: readonly number[]): Promise<void> {
  if (!caps.changeNotifications || ids.length === 0) return;
  await sql`SELECT pg_notify(${CHANGES_CHANNEL}, current_schema() || ':' || id) FROM unnest(${ids.map(String)}::text[]) AS id`.execute(db);
}
