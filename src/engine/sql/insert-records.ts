import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Transaction } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Store } from '../../db/connect.js';
import type { Database } from '../../db/database.js';
import { transactionClient } from '../../db/transaction-client.js';
import { isUniqueViolation } from '../../records/record.repository.js';
import { copyText } from './copy-text.js';
import type { RecordSource } from '../../records/record.table.js';
import { sqliteHandle, statement } from './sqlite-statements.js';

export interface NewRecordRow {
  item_index: number;
  data_stream_id: number;
  external_id: string | null;
  date: string;
  amount: number;
  direction: string;
  currency: string;
  description: string | null;
  metadata: string;
}

export interface RecordsContext {
  environmentId: number;
  bulkRequestId: number;
  source: RecordSource;
  /** Set once the upload's import batch exists; records of uploads carry it. */
  importBatchId: number | null;
  now: number;
  /**
   * PostgreSQL: look up which external ids are taken before the COPY. Off while a request meets none (a new
   * file: the COPY just lands); on after a chunk that met one, until a chunk meets none (chunk.ts).
   */
  lookUpFirst?: boolean;
}

/**
 * Inserts the chunk's records and returns the ones that were created (by item index). A row whose
 * (stream, external_id) already exists is left out by `ON CONFLICT DO NOTHING`: the caller turns it into a
 * skip or a failure. DO NOTHING (not a failing insert) keeps the transaction alive on PostgreSQL, and it
 * waits for a concurrent writer of the same external_id to finish, so the answer is never a guess.
 */
export async function insertRecords(
  trx: Transaction<Database>,
  store: Store,
  ctx: RecordsContext,
  rows: NewRecordRow[],
): Promise<Map<number, number>> {
  const created = new Map<number, number>();
  if (rows.length === 0) return created;
  const handle = sqliteHandle(store, trx);
  if (handle) {
    const insert = statement(
      handle,
      `INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description,
         metadata, source, bulk_request_id, item_index, import_batch_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (data_stream_id, external_id) DO NOTHING`,
    );
    // `run` and the rowid it reports, not `RETURNING id` with `get`: the same insert ran 2.4x slower that
    // way (bench/experiments/sqlite-insert.ts). No trigger inserts anything, so `changes` is this row's.
    for (const r of rows) {
      const info = insert.run(
        ctx.environmentId, r.data_stream_id, r.external_id, r.date, r.amount, r.direction, r.currency, r.description,
        r.metadata, ctx.source, ctx.bulkRequestId, r.item_index, ctx.importBatchId, ctx.now, ctx.now,
      );
      if (info.changes === 1) created.set(r.item_index, Number(info.lastInsertRowid));
    }
    return created;
  }
  const result = await sql<{ id: number; item_index: number }>`
    INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description,
      metadata, source, bulk_request_id, item_index, import_batch_id, created_at, updated_at)
    SELECT ${ctx.environmentId}, t.s, t.e, t.d, t.a, t.dir, t.c, t.descr, t.m, ${ctx.source}, ${ctx.bulkRequestId}, t.i,
      ${ctx.importBatchId}::bigint, ${ctx.now}::bigint, ${ctx.now}::bigint
    FROM unnest(
      ${rows.map((r) => r.data_stream_id)}::bigint[],
      ${rows.map((r) => r.external_id)}::text[],
      ${rows.map((r) => r.date)}::text[],
      ${rows.map((r) => r.amount)}::bigint[],
      ${rows.map((r) => r.direction)}::text[],
      ${rows.map((r) => r.currency)}::text[],
      ${rows.map((r) => r.description)}::text[],
      ${rows.map((r) => r.metadata)}::text[],
      ${rows.map((r) => r.item_index)}::bigint[]
    ) AS t(s, e, d, a, dir, c, descr, m, i)
    ON CONFLICT (data_stream_id, external_id) DO NOTHING
    RETURNING id, item_index
  `.execute(trx);
  for (const row of result.rows) created.set(row.item_index, row.id);
  return created;
}

const COPY_RECORDS = `COPY records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description,
  metadata, source, bulk_request_id, item_index, import_batch_id, created_at, updated_at) FROM STDIN`;

/**
 * PostgreSQL: writes rows with `COPY` straight into `records`; false when one of their external ids was
 * taken (a record that existed, or a concurrent writer's), in which case nothing of this call remains
 * (rolled back to the savepoint taken before it) and the caller redoes the rows with `insertRecords`.
 *
 * Why: COPY writes tuples without planning or executing an INSERT per row; it cannot skip a conflict, so
 * the caller gives it rows it expects to land (chunk.ts). Ids come from the table's identity default, in
 * row order, and the rows come in item order, so a request's records sort the same by id as by index.
 * COPY returns no ids: the caller looks up the few it needs. A unique violation (23505) is the only error
 * turned into `false`; anything else (a lost connection) goes up as it would from an INSERT.
 */
export async function copyRecords(trx: Transaction<Database>, store: Store, ctx: RecordsContext, rows: NewRecordRow[]): Promise<boolean> {
  if (rows.length === 0) return true;
  if (store.raw.kind !== 'postgres') throw new Error('copyRecords needs PostgreSQL');
  const client = await transactionClient(store.raw.pool, trx);
  const ordered = rows.length > 1 && rows.some((r, i) => i > 0 && r.item_index < rows[i - 1]!.item_index) ? [...rows].sort((a, b) => a.item_index - b.item_index) : rows;
  const head = `${ctx.environmentId}\t`;
  const tail = `${copyText(ctx.source)}\t${ctx.bulkRequestId}\t`;
  const stamps = `\t${ctx.importBatchId ?? '\\N'}\t${ctx.now}\t${ctx.now}\n`;
  let text = '';
  for (const r of ordered) {
    text +=
      `${head}${r.data_stream_id}\t${copyText(r.external_id)}\t${copyText(r.date)}\t${r.amount}\t${copyText(r.direction)}\t` +
      `${copyText(r.currency)}\t${copyText(r.description)}\t${copyText(r.metadata)}\t${tail}${r.item_index}${stamps}`;
  }
  await sql`SAVEPOINT copy_records`.execute(trx);
  try {
    await pipeline(Readable.from([text]), client.query(copyFrom(COPY_RECORDS)));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await sql`ROLLBACK TO SAVEPOINT copy_records`.execute(trx);
    return false;
  }
  // Not released: the commit ends it, and a RELEASE would be one more round trip per chunk.
  return true;
}
