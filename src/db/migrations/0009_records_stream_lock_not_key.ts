import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/**
 * PostgreSQL: the foreign key from `records.data_stream_id` to `data_streams` goes (docs/performance.md,
 * "The records table"). It fired a referential-integrity trigger per inserted row (a look-up of the stream
 * and a `FOR KEY SHARE` lock on it, again for every row of a chunk), which made a COPY into the table about
 * 1.5 × slower, and since migration 0003 it guarded nothing the writers do not guard themselves: every write
 * that adds records (the engine's chunk, `POST /records`) locks its streams `FOR KEY SHARE` in its own
 * transaction before inserting (src/engine/sql/lock-streams.ts) and fails `unknown_data_stream` when the row
 * is gone; a stream is deleted only after its records, under `FOR UPDATE` on the same row, which waits for
 * those writers. 0004 kept the key for `POST /records`, which did not yet take that lock.
 * SQLite keeps its keys: they cost little in-process, and dropping one means rebuilding the table.
 */
export function up0009(caps: Capabilities) {
  return async (db: Kysely<any>) => {
    if (caps.dialect !== 'postgres') return;
    const keys = await sql<{ name: string }>`
      SELECT c.conname AS name FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.conrelid = 'records'::regclass AND c.contype = 'f' AND a.attname = 'data_stream_id'`.execute(db);
    for (const key of keys.rows) await db.schema.alterTable('records').dropConstraint(key.name).execute();
  };
}
