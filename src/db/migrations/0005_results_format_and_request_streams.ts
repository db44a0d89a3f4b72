import type { Kysely } from 'kysely';

// Landed migrations are never edited: a change is a new numbered file.
export async function up0005(db: Kysely<any>) {
  // Per key, how `results` is written (src/keys/results-format.ts). Existing keys keep the contract's page.
  await db.schema.alterTable('api_keys').addColumn('results_format', 'text', (c) => c.notNull().defaultTo('page')).execute();

  // The streams a multi-stream bulk request targets (its data_stream_id is null): stream health and the
  // stream_busy check read them beside bulk_requests.data_stream_id. Single-stream requests and uploads
  // write nothing here, so the load path pays nothing. The key leads with the stream, as both reads do.
  // No foreign keys, as for bulk_requests.data_stream_id: history outlives a deleted stream.
  await db.schema
    .createTable('bulk_request_streams')
    .addColumn('data_stream_id', 'bigint', (c) => c.notNull())
    .addColumn('bulk_request_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('bulk_request_streams_pk', ['data_stream_id', 'bulk_request_id'])
    .execute();
  // A retry copies its parent's rows: found by request.
  await db.schema.createIndex('bulk_request_streams_request').on('bulk_request_streams').columns(['bulk_request_id']).execute();
}
