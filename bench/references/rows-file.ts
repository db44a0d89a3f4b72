// The rows a reference loads, exactly as Sluice stores them (same columns, same values), written once to a
// file in PostgreSQL's COPY text format before any clock starts. PostgreSQL streams that file into COPY;
// the SQLite reference reads it back in 1,000-row batches, timing only its transactions. So neither
// reference is charged for generating its rows, and both load the same bytes.

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** The columns of Sluice's `records` table (src/db/migrations/0001_initial.ts) except the generated id. */
export const RECORD_COLUMNS = [
  'environment_id',
  'data_stream_id',
  'external_id',
  'date',
  'amount',
  'direction',
  'currency',
  'description',
  'metadata',
  'source',
  'bulk_request_id',
  'item_index',
  'import_batch_id',
  'created_at',
  'updated_at',
] as const;

export type RecordValues = [
  environmentId: number,
  dataStreamId: number,
  externalId: string | null,
  date: string,
  amount: number,
  direction: string,
  currency: string,
  description: string | null,
  metadata: string,
  source: string,
  bulkRequestId: number | null,
  itemIndex: number | null,
  importBatchId: number | null,
  createdAt: number,
  updatedAt: number,
];

const escapeText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
const unescapeText = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));

export function copyLine(values: RecordValues): string {
  let line = '';
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    line += (k === 0 ? '' : '\t') + (v === null ? '\\N' : typeof v === 'number' ? String(v) : escapeText(v!));
  }
  return `${line}\n`;
}

const NUMERIC = new Set([0, 1, 4, 10, 11, 12, 13, 14]);

function parseLine(line: string): RecordValues {
  return line.split('\t').map((cell, k) => (cell === '\\N' ? null : NUMERIC.has(k) ? Number(cell) : unescapeText(cell))) as RecordValues;
}

export async function writeRowsFile(path: string, rows: Iterable<RecordValues> | AsyncIterable<RecordValues>): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  let chunk = '';
  for await (const values of rows) {
    chunk += copyLine(values);
    count++;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return count;
}

export async function* readRowBatches(path: string, size: number): AsyncGenerator<RecordValues[]> {
  let batch: RecordValues[] = [];
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (line === '') continue;
    batch.push(parseLine(line));
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
