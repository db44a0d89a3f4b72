// PostgreSQL's own bulk load of the same rows: one COPY FROM STDIN (pg-copy-streams) of the rows file into
// the reference table, in a schema of its own, dropped afterwards. Timed from the COPY statement to its
// commit; the file was written before.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PG_BASE_URL } from '../support/databases.js';
import { RECORD_COLUMNS } from './rows-file.js';
import { referenceTableDdl } from './table.js';

export interface ReferenceResult {
  rows: number;
  seconds: number;
}

export async function postgresCopy(rowsFile: string): Promise<ReferenceResult> {
  const schema = `bench_ref_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}`);
    for (const ddl of referenceTableDdl('postgres')) await client.query(ddl);
    const started = performance.now();
    const copy = client.query(copyFrom(`COPY records (${RECORD_COLUMNS.join(', ')}) FROM STDIN`));
    await pipeline(createReadStream(rowsFile), copy);
    const seconds = (performance.now() - started) / 1000;
    const count = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM records')).rows[0]!.n);
    return { rows: count, seconds };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.end();
  }
}
