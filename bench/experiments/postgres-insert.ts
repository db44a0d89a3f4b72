// What the engine's PostgreSQL insert costs, statement by statement: `node --import tsx
// bench/experiments/postgres-insert.ts [rows]` (default 200,000) inserts the csv scenario's rows in
// 1,000-row transactions into a freshly migrated Sluice `records` table: with the engine's own
// `insertRecords` (unnest of arrays, ON CONFLICT DO NOTHING, RETURNING), then the same INSERT without
// RETURNING, without ON CONFLICT, and without the table's secondary indexes and its foreign key; then the
// same rows COPYed into a temporary table per chunk and inserted from it with one INSERT ... SELECT (ON
// CONFLICT, RETURNING), an alternative shape for the engine; against COPY of the same rows into the bare
// reference table; and the engine's COPY path (copyRecords, alone and after a findExisting look-up). Only the statements are timed, never building the
// rows. docs/performance.md quotes the numbers. Needs the PostgreSQL of the tests (TEST_DATABASE_URL).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connect } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { copyRecords, insertRecords, type NewRecordRow } from '../../src/engine/sql/insert-records.js';
import { findExisting } from '../../src/engine/sql/find-existing.js';
import { postgresCopy } from '../references/postgres-copy.js';
import { csvReferenceRows } from '../references/rows.js';
import { writeRowsFile } from '../references/rows-file.js';
import { createBenchDatabase } from '../support/databases.js';

const rows = Number(process.argv[2] ?? 200_000);
const SECONDARY = ['records_stream_created', 'records_bulk_request'];

interface Variant {
  name: string;
  conflict: boolean;
  returning: boolean;
  engine?: boolean;
  bare?: boolean;
  /** COPY the chunk into a temporary table, then one INSERT ... SELECT from it. */
  viaCopy?: boolean;
  /** The engine's COPY path: COPY, after one look-up of taken external ids (findExisting) with `lookUp`. */
  copyPath?: boolean;
  lookUp?: boolean;
}

function chunk(from: number): NewRecordRow[] {
  const out: NewRecordRow[] = [];
  for (let i = from; i < Math.min(rows, from + 1000); i++) {
    out.push({ item_index: i, data_stream_id: 1, external_id: `csv-${String(i).padStart(8, '0')}`, date: '2026-01-15', amount: 1000 + i, direction: 'credit', currency: 'USD', description: `Payment, "quoted" ${i}`, metadata: '{}' });
  }
  return out;
}

function rawInsert(batch: NewRecordRow[], now: number, variant: Variant): RawBuilder<unknown> {
  return sql`
    INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description,
      metadata, source, bulk_request_id, item_index, import_batch_id, created_at, updated_at)
    SELECT 1, t.s, t.e, t.d, t.a, t.dir, t.c, t.descr, t.m, 'csv_upload', 1, t.i, 1::bigint, ${now}::bigint, ${now}::bigint
    FROM unnest(${batch.map((r) => r.data_stream_id)}::bigint[], ${batch.map((r) => r.external_id)}::text[], ${batch.map((r) => r.date)}::text[],
      ${batch.map((r) => r.amount)}::bigint[], ${batch.map((r) => r.direction)}::text[], ${batch.map((r) => r.currency)}::text[],
      ${batch.map((r) => r.description)}::text[], ${batch.map((r) => r.metadata)}::text[], ${batch.map((r) => r.item_index)}::bigint[]
    ) AS t(s, e, d, a, dir, c, descr, m, i)
    ${variant.conflict ? sql`ON CONFLICT (data_stream_id, external_id) DO NOTHING` : sql``}
    ${variant.returning ? sql`RETURNING id, item_index` : sql``}`;
}

async function measure(variant: Variant): Promise<number> {
  const database = await createBenchDatabase('postgres');
  const store = await connect({ databaseUrl: database.env.DATABASE_URL });
  try {
    await migrateToLatest(store);
    const now = Date.now();
    await sql`INSERT INTO environments (name, created_at) VALUES ('bench', ${now})`.execute(store.db);
    await sql`INSERT INTO data_streams (environment_id, key, name, type, created_at, updated_at) VALUES (1, 'bench', 'bench', 'api', ${now}, ${now})`.execute(store.db);
    if (variant.bare) {
      for (const index of SECONDARY) await sql.raw(`DROP INDEX ${index}`).execute(store.db);
      await sql`ALTER TABLE records DROP CONSTRAINT records_data_stream_id_fkey`.execute(store.db);
    }
    let ms = 0;
    if (variant.viaCopy) return await measureViaCopy(database.env.DATABASE_URL!, now);
    for (let from = 0; from < rows; from += 1000) {
      const batch = chunk(from);
      const started = performance.now();
      await store.db.transaction().execute(async (trx) => {
        if (variant.copyPath) {
          const ctx = { environmentId: 1, bulkRequestId: 1, source: 'csv_upload' as const, importBatchId: 1, now };
          if (variant.lookUp) await findExisting(trx, store, batch.map((r) => ({ data_stream_id: r.data_stream_id, external_id: r.external_id as string })));
          if (!(await copyRecords(trx, store, ctx, batch))) throw new Error('unexpected conflict');
        } else if (variant.engine) await insertRecords(trx, store, { environmentId: 1, bulkRequestId: 1, source: 'csv_upload', importBatchId: 1, now }, batch);
        else await rawInsert(batch, now, variant).execute(trx);
      });
      ms += performance.now() - started;
    }
    return rows / (ms / 1000);
  } finally {
    await store.close();
    await database.drop();
  }
}

/** COPY's text format for one value: backslash, tab, newline and carriage return escaped; NULL as \\N. */
function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

async function measureViaCopy(url: string, now: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Once per session; each transaction leaves it empty.
    await client.query('CREATE TEMP TABLE chunk (s bigint, e text, d text, a bigint, dir text, c text, descr text, m text, i bigint) ON COMMIT DELETE ROWS');
    let ms = 0;
    for (let from = 0; from < rows; from += 1000) {
      const batch = chunk(from);
      const started = performance.now();
      let text = '';
      for (const r of batch) {
        text += [r.data_stream_id, r.external_id, r.date, r.amount, r.direction, r.currency, r.description, r.metadata, r.item_index].map(copyValue).join('\t') + '\n';
      }
      await client.query('BEGIN');
      await pipeline(Readable.from([text]), client.query(copyFrom('COPY chunk FROM STDIN')));
      await client.query(`
        INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description,
          metadata, source, bulk_request_id, item_index, import_batch_id, created_at, updated_at)
        SELECT 1, s, e, d, a, dir, c, descr, m, 'csv_upload', 1, i, 1, $1::bigint, $1::bigint FROM chunk ORDER BY i
        ON CONFLICT (data_stream_id, external_id) DO NOTHING
        RETURNING id, item_index`, [now]);
      await client.query('COMMIT');
      ms += performance.now() - started;
    }
    return rows / (ms / 1000);
  } finally {
    await client.end();
  }
}

const line = (name: string, perSecond: number) => console.log(`  ${name.padEnd(66)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} rows/s`);
console.log(`postgres, ${rows.toLocaleString('en-US')} rows, 1,000 per transaction`);
line("the engine's insertRecords (unnest, ON CONFLICT DO NOTHING, RETURNING)", await measure({ name: '', conflict: true, returning: true, engine: true }));
line("the engine's COPY path, a request meeting no taken ids (COPY alone)", await measure({ name: '', conflict: false, returning: false, copyPath: true }));
line('  after a chunk that met one (look-up of the external ids, then COPY)', await measure({ name: '', conflict: false, returning: false, copyPath: true, lookUp: true }));
line('  the same INSERT without RETURNING', await measure({ name: '', conflict: true, returning: false }));
line('  without ON CONFLICT either', await measure({ name: '', conflict: false, returning: false }));
line('  and without the 2 secondary indexes and the foreign key', await measure({ name: '', conflict: false, returning: false, bare: true }));
line('COPY into a temp table, then INSERT ... SELECT (ON CONFLICT, RETURNING)', await measure({ name: '', conflict: true, returning: true, viaCopy: true }));
const dir = mkdtempSync(join(tmpdir(), 'sluice-postgres-insert-'));
try {
  const file = join(dir, 'rows');
  await writeRowsFile(file, csvReferenceRows(rows));
  const copy = await postgresCopy(file);
  line('COPY into the bare reference table (primary key + unique index)', copy.rows / copy.seconds);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
