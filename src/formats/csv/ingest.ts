// The two halves of a CSV upload, for the upload handler and the worker:
//  - ingestCsv reads the body as it streams: the header row becomes the column plan, every data row is
//    handed on (line number + cells) to be staged. Nothing is converted yet, so a whole-file problem found
//    late (an unclosed quote at the end) still fails the upload before any record exists.
//  - csvItemDecoder turns a staged row back into a record draft in the worker, with the plan that
//    ingestCsv returned (stored with the request: it is plain JSON).
// A staged row's payload is its cells as a JSON array of strings: the row as uploaded, which is also what
// the failed-rows download writes back under the original header (plan.header).

import { planColumns, type CsvColumnPlan } from './columns.js';
import { CsvFileError } from './errors.js';
import { readCsv, type CsvReaderOptions, type CsvSource } from './reader.js';
import { csvRowToRecord, type CsvRowContext, type CsvRowResult } from './row.js';

export interface CsvIngestOptions extends CsvReaderOptions {
  /** Sluice field -> header name (SPEC §5 `mapping`). */
  mapping?: Readonly<Record<string, unknown>> | undefined;
}

export type CsvIngestResult =
  | { ok: true; plan: CsvColumnPlan; rows: number }
  | { ok: false; errors: CsvFileError[] };

/** Receives each data row in file order; return a promise to hold reading until it settles (backpressure). */
export type CsvRowSink = (rowNumber: number, payload: string) => Promise<void> | undefined | void;

/** The staged form of a row: its cells as a JSON array. */
export const encodeCsvRow = (cells: readonly string[]): string => JSON.stringify(cells);

/** The cells of a staged row (undefined if the payload is not an array of strings: it never is). */
export function decodeCsvRow(payload: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return undefined;
  return value as string[];
}

/**
 * Reads a CSV upload: header row -> plan, then every data row to `sink` as (line, encodeCsvRow(cells)).
 * Whole-file problems come back as `{ok: false, errors}` (a header without the required columns stops
 * before any row is handed on). Errors of the source itself (size limit, aborted connection) are thrown.
 */
export async function ingestCsv(source: CsvSource, options: CsvIngestOptions, sink: CsvRowSink): Promise<CsvIngestResult> {
  let plan: CsvColumnPlan | undefined;
  let rows = 0;
  try {
    for await (const batch of readCsv(source, options)) {
      let i = 0;
      if (plan === undefined) {
        const header = batch[0]!;
        const planned = planColumns(header.cells, { mapping: options.mapping, headerLine: header.rowNumber });
        if (!planned.ok) return { ok: false, errors: planned.errors };
        plan = planned.plan;
        i = 1;
      }
      for (; i < batch.length; i++) {
        const row = batch[i]!;
        rows++;
        const pending = sink(row.rowNumber, encodeCsvRow(row.cells));
        if (pending) await pending;
      }
    }
  } catch (error) {
    if (error instanceof CsvFileError) return { ok: false, errors: [error] };
    throw error;
  }
  if (plan === undefined) {
    return { ok: false, errors: [new CsvFileError('empty_file', 1, null, 'The file is empty: a CSV upload needs a header row (date, amount, ...) and rows.')] };
  }
  return { ok: true, plan, rows };
}

/** The worker side: a staged row (payload from ingestCsv) -> record draft, or the row's error. */
export function csvItemDecoder(plan: CsvColumnPlan, ctx: CsvRowContext): (payload: string) => CsvRowResult {
  return (payload) => {
    const cells = decodeCsvRow(payload);
    if (cells === undefined) return { ok: false, error: { code: 'invalid_row', message: 'the staged row is not a list of cells' } };
    return csvRowToRecord(plan, cells, ctx);
  };
}
