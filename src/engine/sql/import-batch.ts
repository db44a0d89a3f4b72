import { sql, type Transaction } from 'kysely';
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

/**
 * Totals move with the chunk that created the records, so a batch's totals always equal its records.
 * Dates are YYYY-MM-DD text, so the smaller string is the earlier date; CASE (not LEAST/MIN) reads the
 * same on both databases.
 */
export async function addToImportBatch(trx: Transaction<Database>, id: number, rows: NewRecordRow[]): Promise<void> {
  if (rows.length === 0) return;
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
  await sql`
    UPDATE import_batches SET
      record_count = record_count + ${rows.length},
      total_credits = total_credits + ${credits},
      total_debits = total_debits + ${debits},
      date_range_start = CASE WHEN date_range_start IS NULL OR ${first} < date_range_start THEN ${first} ELSE date_range_start END,
      date_range_end = CASE WHEN date_range_end IS NULL OR ${last} > date_range_end THEN ${last} ELSE date_range_end END
    WHERE id = ${id}
  `.execute(trx);
}
