import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/** Items per segment built from old per-item rows; the same as SLUICE_STAGE_BATCH's default. */
const MIGRATED_SEGMENT_ITEMS = 2000;

/**
 * Items are staged as segments, not rows (SPEC §4; docs/engine.md, "Segments"): one row per block of a
 * request's items, encoded as src/engine/segment-codec.ts reads them. Requests staged the old way, one row
 * per item in `bulk_request_items`, are converted here in SQL, whatever their state (pending, half
 * processed, finished with failed rows to download or retry), so that no code path reads the old table:
 * items are numbered per request in index order and cut into blocks of MIGRATED_SEGMENT_ITEMS; each block's
 * payloads are concatenated by newline in index order (`string_agg` / `group_concat ... ORDER BY`); indexes
 * are listed only when the block has gaps (a retry's), row numbers only when some item has one (uploads).
 * Then the old table goes. One transaction, as every migration: a failure leaves the database at 0005.
 */
export function up0006(caps: Capabilities) {
  return async (db: Kysely<any>) => {
    await db.schema
      .createTable('bulk_request_segments')
      .addColumn('bulk_request_id', 'bigint', (c) => c.notNull().references('bulk_requests.id'))
      .addColumn('first_index', 'bigint', (c) => c.notNull())
      .addColumn('last_index', 'bigint', (c) => c.notNull())
      .addColumn('item_count', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('indexes', 'text')
      .addColumn('row_numbers', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bulk_request_segments_pk', ['bulk_request_id', 'first_index'])
      .execute();

    const postgres = caps.dialect === 'postgres';
    const agg = (value: string, separator: string) =>
      postgres ? `string_agg(${value}, ${separator} ORDER BY item_index)` : `group_concat(${value}, ${separator} ORDER BY item_index)`;
    const text = (column: string) => (postgres ? `${column}::text` : `CAST(${column} AS TEXT)`);
    const newline = postgres ? `E'\\n'` : 'char(10)';
    await sql
      .raw(
        `INSERT INTO bulk_request_segments (bulk_request_id, first_index, last_index, item_count, bytes, indexes, row_numbers, payload)
        SELECT bulk_request_id, MIN(item_index), MAX(item_index), COUNT(*), SUM(LENGTH(payload)) + COUNT(*) - 1,
          CASE WHEN COUNT(*) = MAX(item_index) - MIN(item_index) + 1 THEN NULL ELSE ${agg(text('item_index'), "','")} END,
          CASE WHEN COUNT(row_number) = 0 THEN NULL ELSE ${agg(`COALESCE(${text('row_number')}, '')`, "','")} END,
          ${agg('payload', newline)}
        FROM (
          SELECT bulk_request_id, item_index, row_number, payload,
            (ROW_NUMBER() OVER (PARTITION BY bulk_request_id ORDER BY item_index) - 1) / ${MIGRATED_SEGMENT_ITEMS} AS block
          FROM bulk_request_items
        ) numbered
        GROUP BY bulk_request_id, block`,
      )
      .execute(db);
    await db.schema.dropTable('bulk_request_items').execute();
  };
}
