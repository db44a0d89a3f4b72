// Where the engine's PostgreSQL COPY path spends a chunk: `node --import tsx
// bench/experiments/copy-path-parts.ts [rows] [chunk]` (default 100,000 and 1,000) writes the csv scenario's rows in chunk-sized
// transactions into a freshly migrated `records` table and times each step of the path on its own: the
// look-up of the chunk's external ids (findExisting, made only after a chunk that met a taken id), the
// transaction's client (transactionClient), and the COPY with its savepoint (copyRecords). Against the
// engine's INSERT (insertRecords) on the same rows, alternating chunk by chunk so both meet the same load.
import { sql } from 'kysely';
import { connect } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { transactionClient } from '../../src/db/transaction-client.js';
import { findExisting } from '../../src/engine/sql/find-existing.js';
import { copyRecords, insertRecords, type NewRecordRow } from '../../src/engine/sql/insert-records.js';
import { createBenchDatabase } from '../support/databases.js';

const rows = Number(process.argv[2] ?? 100_000);
const size = Number(process.argv[3] ?? 1_000);
const database = await createBenchDatabase('postgres');
const store = await connect({ databaseUrl: database.env.DATABASE_URL });
const chunk = (stream: number, from: number): NewRecordRow[] =>
  Array.from({ length: size }, (_, k) => from + k).map((i) => ({ item_index: i, data_stream_id: stream, external_id: `csv-${String(i).padStart(8, '0')}`, date: '2026-01-15', amount: 1000 + i, direction: 'credit', currency: 'USD', description: `Payment, "quoted" ${i}`, metadata: '{}' }));
try {
  await migrateToLatest(store);
  const now = Date.now();
  await sql`INSERT INTO environments (name, created_at) VALUES ('bench', ${now})`.execute(store.db);
  for (const key of ['a', 'b']) await sql`INSERT INTO data_streams (environment_id, key, name, type, created_at, updated_at) VALUES (1, ${key}, ${key}, 'api', ${now}, ${now})`.execute(store.db);
  const ms = { lookup: 0, client: 0, copy: 0, insert: 0 };
  const ctx = { environmentId: 1, bulkRequestId: 1, source: 'csv_upload' as const, importBatchId: 1, now };
  for (let from = 0; from < rows; from += size) {
    await store.db.transaction().execute(async (trx) => {
      const batch = chunk(1, from);
      let t = performance.now();
      await findExisting(trx, store, batch.map((r) => ({ data_stream_id: 1, external_id: r.external_id as string })));
      ms.lookup += performance.now() - t;
      t = performance.now();
      if (store.raw.kind === 'postgres') await transactionClient(store.raw.pool, trx);
      ms.client += performance.now() - t;
      t = performance.now();
      if (!(await copyRecords(trx, store, ctx, batch))) throw new Error('unexpected conflict');
      ms.copy += performance.now() - t;
    });
    await store.db.transaction().execute(async (trx) => {
      const t = performance.now();
      await insertRecords(trx, store, { ...ctx, bulkRequestId: 2 }, chunk(2, from));
      ms.insert += performance.now() - t;
    });
  }
  const per = (v: number) => `${((v / rows) * 1000).toFixed(2)} ms per 1,000 rows`;
  console.log(`postgres, ${rows.toLocaleString('en-US')} rows, ${size.toLocaleString('en-US')} per transaction`);
  console.log(`  look-up of the chunk's external ids          ${per(ms.lookup)}`);
  console.log(`  the transaction's client (pg_backend_pid)    ${per(ms.client)}`);
  console.log(`  copyRecords (client, savepoint, COPY)        ${per(ms.copy)}`);
  console.log(`  COPY, no look-up (a request meeting no taken ids)  ${per(ms.copy)}`);
  console.log(`  COPY after a look-up (after a chunk that met one)  ${per(ms.lookup + ms.copy)}`);
  console.log(`  insertRecords (INSERT ... ON CONFLICT)       ${per(ms.insert)}`);
} finally {
  await store.close();
  await database.drop();
}
