import type { Transaction } from 'kysely';
import type { Database } from '../../db/database.js';
import { currencyDecimals } from '../../money/currencies.js';
import type { NewRecordRow } from './insert-records.js';

/**
 * The import batch of an upload (SPEC §5: one per upload that creates records). Found by the upload's root
 * request, so the records of its retries join the same batch; created by the first chunk that has records
 * to insert, inside that chunk's transaction.
 */
export async function ensureImportBatch(
  trx: Transaction<Database>,
  args: { environmentId: number; dataStreamId: number; rootBulkRequestId: number; source: 'csv_upload' | 'nacha_upload' | 'bai2_upload' | 'camt053_upload'; filename: string | null; currency: string; now: number },
): Promise<{ id: number; created: boolean }> {
  const existing = await trx.selectFrom('import_batches').select('id').where('bulk_request_id', '=', args.rootBulkRequestId).executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const row = await trx
    .insertInto('import_batches')
    .values({
      environment_id: args.environmentId,
      data_stream_id: args.dataStreamId,
      bulk_request_id: args.rootBulkRequestId,
      source: args.source,
      filename: args.filename,
      record_count: 0,
      total_credits: 0,
      total_debits: 0,
      decimal_places: currencyDecimals(args.currency) ?? 2,
      date_range_start: null,
      date_range_end: null,
      created_at: args.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

/** A batch created for a chunk whose rows all turned out to exist already: an upload that created nothing has none. */
export async function dropEmptyImportBatch(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.deleteFrom('import_batches').where('id', '=', id).where('record_count', '=', 0).execute();
}

/** What a chunk's created records add to their import batch. */
export interface BatchTotals {
  records: number;
  credits: number;
  debits: number;
  /** YYYY-MM-DD of the earliest and the latest record. */
  first: string;
  last: string;
}

/**
 * Totals move with the chunk that created the records, in its checkpoint statement
 * (advance-checkpoint.ts), so a batch's totals always equal its records. Null when it created none.
 */
export function batchTotals(rows: readonly NewRecordRow[]): BatchTotals | null {
  if (rows.length === 0) return null;
  let credits = 0;
  let debits = 0;
  let first = rows[0]!.date;
  let last = first;
  for (const r of rows) {
    if (r.direction === 'credit') credits += r.amount;
    else debits += r.amount;
    if (r.date < first) first = r.date;
    if (r.date > last) last = r.date;
  }
  if (!Number.isSafeInteger(credits) || !Number.isSafeInteger(debits)) throw new Error('import batch totals exceed the safe integer range');
  return { records: rows.length, credits, debits, first, last };
}
