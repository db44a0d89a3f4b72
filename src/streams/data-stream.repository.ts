import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Capabilities } from '../db/capabilities.js';
import type { Database } from '../db/database.js';
import type { DataStreamTable } from './data-stream.table.js';

export type DataStreamRow = Selectable<DataStreamTable>;

export const SYNC_DELETE_LIMIT = 10_000;

export async function findStreamByKey(db: Kysely<Database>, environmentId: number, key: string) {
  return db
    .selectFrom('data_streams')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * The stream, locked for the rest of the transaction where the database has row locks: a delete or reset
 * decides on the stream's state (busy? how large?) and must not have it change under it. The lock waits
 * for writers holding the stream's key-share lock (lock-streams.ts) and holds new ones off until commit.
 */
export async function lockStreamForOperation(trx: Transaction<Database>, caps: Capabilities, environmentId: number, key: string) {
  return trx
    .selectFrom('data_streams')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('key', '=', key)
    .$if(caps.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function findStreamsByKeys(db: Kysely<Database>, environmentId: number, keys: string[]) {
  if (keys.length === 0) return [];
  return db
    .selectFrom('data_streams')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('key', 'in', keys)
    .execute();
}

export async function listStreams(db: Kysely<Database>, environmentId: number) {
  return db
    .selectFrom('data_streams')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function insertStream(
  db: Kysely<Database>,
  values: { environment_id: number; key: string; name: string; description: string | null; type: string; now: number },
): Promise<DataStreamRow | undefined> {
  const { now, ...rest } = values;
  // ON CONFLICT keeps a duplicate key from aborting the surrounding transaction on PostgreSQL.
  return db
    .insertInto('data_streams')
    .values({ ...rest, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['environment_id', 'key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateStream(
  db: Kysely<Database>,
  id: number,
  changes: { name?: string; description?: string | null },
  now: number,
) {
  return db
    .updateTable('data_streams')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Bulk requests that still write into the stream; a delete or reset must wait for them (SPEC 24). */
/**
 * Pending and processing requests at work in the stream (the first 100, oldest first): its own, and the
 * multi-stream requests whose items target it (bulk_request_streams, migration 0005).
 */
export async function activeBulkRequestIds(db: Kysely<Database>, streamId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('bulk_requests')
    .select('id')
    .where('data_stream_id', '=', streamId)
    .where('status', 'in', ['pending', 'processing'])
    .union(
      db
        .selectFrom('bulk_request_streams as t')
        .innerJoin('bulk_requests as b', 'b.id', 't.bulk_request_id')
        .select('b.id')
        .where('t.data_stream_id', '=', streamId)
        .where('b.status', 'in', ['pending', 'processing']),
    )
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map((r) => Number(r.id));
}

/**
 * Removes the stream and everything that belongs only to it; bulk request history stays. Its record
 * counters go with it (foreign key, on delete cascade).
 */
export async function deleteStreamNow(trx: Transaction<Database>, streamId: number): Promise<void> {
  await trx.deleteFrom('records').where('data_stream_id', '=', streamId).execute();
  await trx.deleteFrom('import_batches').where('data_stream_id', '=', streamId).execute();
  await trx.deleteFrom('property_definitions').where('data_stream_id', '=', streamId).execute();
  await trx.deleteFrom('data_streams').where('id', '=', streamId).execute();
}
