// `csv`, `nacha`, `bai2` and `camt053`: one upload of the whole file into a fresh stream, from the first byte sent to the
// request's `completed`, then the records, the request and its import batch checked against the file.

import type { ExpectedTotals } from '../inputs/rows.js';
import type { Backend } from '../support/databases.js';
import { checkRecords, checkUpload, streamId } from '../support/verify.js';
import { measureIngest, STREAM, uploadFile } from './harness.js';
import type { RunOptions } from './types.js';

export interface UploadInput {
  file: string;
  totals: ExpectedTotals;
}

const FORMATS = {
  csv: { contentType: 'text/csv', filename: 'bench.csv' },
  nacha: { contentType: 'application/vnd.nacha', filename: 'bench.ach' },
  bai2: { contentType: 'application/x-bai2', filename: 'bench.bai' },
  camt053: { contentType: 'application/xml', filename: 'bench.xml' },
} as const;

export function uploadScenario(format: keyof typeof FORMATS, backend: Backend, input: UploadInput, options: RunOptions) {
  const { contentType, filename } = FORMATS[format];
  return measureIngest(format, backend, options, async (env) => {
    const upload = await uploadFile(env, input.file, contentType, filename, input.totals.rows);
    const stream = await streamId(env.sql, STREAM);
    const checks = [...(await checkUpload(env.sql, stream, upload.final, input.totals)), ...(await checkRecords(env.sql, stream, input.totals))];
    return { rows: input.totals.rows, seconds: upload.seconds, phases: upload.phases, checks };
  });
}
