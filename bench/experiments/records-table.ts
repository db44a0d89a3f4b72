// What Sluice's `records` table costs a bulk load, part by part: `node --import tsx
// bench/experiments/records-table.ts [rows]` (default 200,000) loads the csv scenario's rows the way the
// references do (COPY on PostgreSQL, 1,000-row prepared insert transactions on SQLite) into a freshly
// migrated Sluice table, first with the two indexes migration 0007 dropped put back (the table before
// 0007), then as it is, then without its foreign keys, and without its two secondary indexes too; and into
// the bare reference table. docs/performance.md quotes the numbers. Needs the PostgreSQL of
// the tests (TEST_DATABASE_URL).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresCopy } from '../references/postgres-copy.js';
import { csvReferenceRows } from '../references/rows.js';
import { writeRowsFile } from '../references/rows-file.js';
import { sluiceSchemaReference, type Strip } from '../references/sluice-schema.js';
import { sqliteInserts } from '../references/sqlite-inserts.js';
import type { Backend } from '../support/databases.js';

const rows = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'sluice-records-table-'));
const file = join(dir, 'rows');
await writeRowsFile(file, csvReferenceRows(rows));

const variants: Array<[string, Strip | null]> = [
  ['before migration 0007 (unique + 4 secondary indexes)', { droppedIn0007: true }],
  ["Sluice's table (foreign keys, unique + 2 secondary indexes)", {}],
  ['  without the foreign keys', { foreignKeys: true }],
  ['  without the foreign keys and the 2 secondary indexes', { foreignKeys: true, secondaryIndexes: true }],
  ['bare reference table (primary key + unique index)', null],
];
try {
  for (const backend of ['sqlite', 'postgres'] as Backend[]) {
    console.log(`${backend}, ${rows.toLocaleString('en-US')} rows`);
    for (const [name, strip] of variants) {
      const result = strip === null ? await (backend === 'postgres' ? postgresCopy(file) : sqliteInserts(file)) : await sluiceSchemaReference(backend, file, 1, strip);
      if (result.rows !== rows) throw new Error(`${name}: ${result.rows} rows loaded`);
      console.log(`  ${name.padEnd(62)} ${Math.round(rows / result.seconds).toLocaleString('en-US').padStart(9)} rows/s`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
