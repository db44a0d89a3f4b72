import type { Kysely } from 'kysely';

/**
 * The records table keeps only the indexes an API read needs (issue 12 item 5; docs/performance.md, "The
 * records table"; plans in docs/query-plans.md):
 *
 * - `records_bulk_request_created (bulk_request_id, created_at, id)` goes. A request's chunks commit one
 *   after the other in item order, so its records are listed newest first by `records_bulk_request
 *   (bulk_request_id, item_index)`, the index its results are read by anyway (src/records/record-list.ts).
 * - `records_import_batch (import_batch_id, created_at, id)` goes. Only an upload's request and its retries
 *   write a batch's id, so a batch's records are those requests' records, listed through the same index.
 *
 * What stays: the unique `(data_stream_id, external_id)` (exactly-once), `records_stream_created` (a
 * stream's records newest first, resets and deletions), `records_bulk_request` (results, retries, the two
 * lists above). Dropping an index is cheap and changes no row.
 */
export async function up0007(db: Kysely<any>) {
  await db.schema.dropIndex('records_bulk_request_created').execute();
  await db.schema.dropIndex('records_import_batch').execute();
}
