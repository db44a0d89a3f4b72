import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { Keyset } from '../http/pagination.js';
import type { RecordSource, RecordTable } from './record.table.js';

export type RecordRow = Selectable<RecordTable>;
/** A record with its stream's key, which every answer shows and only the stream row knows. */
export type RecordWithStreamKey = RecordRow & { data_stream_key: string };

type Db = Kysely<Database> | Transaction<Database>;

/** What a record list can be narrowed by; every field is ANDed, the environment always applies. */
export interface RecordFilter {
  dataStreamId?: number;
  externalId?: string;
  importBatchId?: number;
  bulkRequestId?: number;
  /** Epoch ms, exclusive. */
  createdAfter?: number;
  /** Epoch ms, exclusive. */
  createdBefore?: number;
  source?: RecordSource;
}

function withStreamKey(db: Db) {
  return db
    .selectFrom('records as r')
    .innerJoin('data_streams as s', 's.id', 'r.data_stream_id')
    .selectAll('r')
    .select('s.key as data_stream_key');
}

export async function findRecord(db: Db, environmentId: number, id: number): Promise<RecordWithStreamKey | undefined> {
  return withStreamKey(db).where('r.environment_id', '=', environmentId).where('r.id', '=', id).executeTakeFirst();
}

/** The same, locking the row where the database has row locks, so a read-modify-write cannot lose an update. */
export async function findRecordForUpdate(trx: Transaction<Database>, environmentId: number, id: number, rowLocks: boolean) {
  const query = withStreamKey(trx).where('r.environment_id', '=', environmentId).where('r.id', '=', id);
  return (rowLocks ? query.forUpdate('r') : query).executeTakeFirst();
}

export async function findRecordIdByExternalId(db: Db, streamId: number, externalId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('records')
    .select('id')
    .where('data_stream_id', '=', streamId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id;
}

export interface NewRecord {
  environment_id: number;
  data_stream_id: number;
  external_id: string | null;
  date: string;
  amount: number;
  direction: RecordRow['direction'];
  currency: string;
  description: string | null;
  metadata: string;
  source: RecordSource;
  bulk_request_id: number | null;
  item_index: number | null;
  import_batch_id: number | null;
}

/** Inserts one record; undefined when its external_id is already taken in the stream. */
export async function insertRecord(db: Db, values: NewRecord, now: number): Promise<RecordRow | undefined> {
  // ON CONFLICT rather than catching the violation: on PostgreSQL a failed insert would abort the transaction.
  return db
    .insertInto('records')
    .values({ ...values, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['data_stream_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export type RecordChanges = Partial<Pick<RecordRow, 'amount' | 'direction' | 'description' | 'date' | 'external_id' | 'metadata'>>;

export async function updateRecord(db: Db, id: number, changes: RecordChanges, now: number): Promise<void> {
  await db
    .updateTable('records')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteRecord(db: Db, environmentId: number, id: number): Promise<boolean> {
  const result = await db.deleteFrom('records').where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * One page of records, newest first, `limit + 1` rows so the caller can tell whether a next page exists.
 * `created`: keyset-paginated on (created_at, id), for a stream or an external id scope, each served by its
 * index (records_stream_created, records_stream_external_id). `item`: a bulk request's records by item
 * index (records_bulk_request); the caller bounds the index itself (record-list.ts). The other conditions
 * only narrow what that index yields, so no list scans the table or sorts it.
 */
export function recordListQuery(db: Db, environmentId: number, filter: RecordFilter, after: Keyset | undefined, limit: number, order: 'created' | 'item' = 'created') {
  let query = withStreamKey(db).where('r.environment_id', '=', environmentId);
  if (filter.dataStreamId !== undefined) query = query.where('r.data_stream_id', '=', filter.dataStreamId);
  if (filter.externalId !== undefined) {
    query = query.where('r.external_id', '=', filter.externalId);
    // Without a stream, the unique index (data_stream_id, external_id) is read once per stream of the
    // environment; an index on (environment_id, external_id) would cost every bulk load (migration 0004).
    if (filter.dataStreamId === undefined) {
      query = query.where('r.data_stream_id', 'in', (eb) => eb.selectFrom('data_streams').select('id').where('environment_id', '=', environmentId));
    }
  }
  if (filter.importBatchId !== undefined) query = query.where('r.import_batch_id', '=', filter.importBatchId);
  if (filter.bulkRequestId !== undefined) query = query.where('r.bulk_request_id', '=', filter.bulkRequestId);
  if (filter.source !== undefined) query = query.where('r.source', '=', filter.source);
  if (filter.createdAfter !== undefined) query = query.where('r.created_at', '>', filter.createdAfter);
  if (filter.createdBefore !== undefined) query = query.where('r.created_at', '<', filter.createdBefore);
  if (order === 'item') return query.orderBy('r.item_index', 'desc').limit(limit + 1);
  if (after) {
    // Spelled as a range on created_at plus a tie-break, rather than a row-value comparison, so both
    // planners see an index range they can seek to.
    query = query
      .where('r.created_at', '<=', after.createdAt)
      .where((eb) => eb.or([eb('r.created_at', '<', after.createdAt), eb('r.id', '<', after.id)]));
  }
  return query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(limit + 1);
}

/** Driver errors for a unique or foreign-key violation, by their codes on PostgreSQL and SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
