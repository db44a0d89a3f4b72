import type { Kysely } from 'kysely';

// GET /records?bulk_request_id= pages newest first; with only (bulk_request_id, item_index) each page of a
// million-row request sorted the whole request. This index serves the keyset order directly.
export async function up0002(db: Kysely<any>) {
  await db.schema.createIndex('records_bulk_request_created').on('records').columns(['bulk_request_id', 'created_at', 'id']).execute();
}
