import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { decodeCsvRow } from '../formats/csv/index.js';
import { uploadStreamKey, type UploadRequestOptions } from '../uploads/request-options.js';
import { stagedRecordObject } from '../records/staged-record.js';
import { failedItemsAfter, type BulkRequestRow } from './bulk-request.repository.js';

/**
 * A negative number as a spreadsheet reads it: `-12.34`, `-1,234.56`, `-.5`, `-1e3`. Anything else after a
 * `-` (`-A1`, `-1+cmd|' /C calc'!A0`, `-SUM(...)`) could be a formula.
 */
const NEGATIVE_NUMBER = /^-(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, and some strip a leading tab
 * or carriage return first, so a failed row's description could run code on the machine that opens the
 * download (CSV injection). Such cells get a leading `'`, which spreadsheets show as text and do not
 * display; a negative number stays as it is, so amounts still read as amounts. The cost: a cell fixed and
 * uploaded again keeps the `'` unless the user removes it (docs/uploads.md).
 */
export function neutralizeFormula(text: string): string {
  const first = text.charCodeAt(0);
  // = + @ \t \r
  if (first === 61 || first === 43 || first === 64 || first === 9 || first === 13) return `'${text}`;
  if (first === 45 && !NEGATIVE_NUMBER.test(text)) return `'${text}`;
  return text;
}

/** RFC 4180 quoting: only when needed, doubling quotes. Values are written as given, but never as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = neutralizeFormula(typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The columns of a JSON item, in the contract's order; fields the contract does not know are not shown (validation ignored them). */
const JSON_COLUMNS = ['date', 'data_stream_key', 'amount', 'currency', 'direction', 'description', 'external_id', 'metadata'];

/** How an item's original form is laid out as CSV; upload sources register theirs. */
export interface FailedRowsLayout {
  header: string[];
  cells(payload: string): unknown[];
}

function jsonCells(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON_COLUMNS.map((c) => (c === 'metadata' ? value : ''));
  const record = value as Record<string, unknown>;
  return JSON_COLUMNS.map((c) => record[c]);
}

/** A CSV row goes back under the header it was uploaded with, cells untouched, ready to fix and resend. */
const csvLayout = (request: BulkRequestRow): FailedRowsLayout => {
  const options = JSON.parse(request.options) as Partial<UploadRequestOptions>;
  return {
    header: options.csv_plan?.header ?? [],
    cells: (payload) => decodeCsvRow(payload) ?? [],
  };
};

/**
 * Staged records (a JSON body's records, and NACHA, BAI2 and camt.053 entries as the records they map to)
 * read back as the JSON object they stand for; an upload's name its stream in the request's options.
 */
const stagedRecordLayout = (request: BulkRequestRow): FailedRowsLayout => {
  const streamKey = uploadStreamKey(request.options);
  return { header: [...JSON_COLUMNS], cells: (payload) => jsonCells(stagedRecordObject(payload, streamKey)) };
};

const LAYOUTS: Record<BulkRequestRow['source'], (request: BulkRequestRow) => FailedRowsLayout> = {
  bulk_api: stagedRecordLayout,
  nacha: stagedRecordLayout,
  bai2: stagedRecordLayout,
  camt053: stagedRecordLayout,
  csv: csvLayout,
};

/**
 * SPEC 22: the failed (and with `includeSkipped`, skipped) items in their original form plus row_number,
 * error_code and error_message, streamed a page at a time so a million failed rows never sit in memory.
 * For JSON requests row_number is the item's 1-based position in the submitted array.
 */
export async function* failedRowsCsv(db: Kysely<Database>, request: BulkRequestRow, includeSkipped: boolean): AsyncGenerator<string> {
  const layout = LAYOUTS[request.source](request);
  yield csvLine([...layout.header, 'row_number', 'error_code', 'error_message']);
  let after = -1;
  for (;;) {
    const page = await failedItemsAfter(db, request.id, after, includeSkipped, 1000);
    if (page.length === 0) return;
    let chunk = '';
    for (const row of page) {
      const code = row.status === 'skipped' ? 'skipped_existing_external_id' : row.error_code;
      const message = row.status === 'skipped' ? 'Skipped: a record with this external_id already exists.' : row.error;
      chunk += csvLine([...layout.cells(row.payload), row.row_number ?? row.item_index + 1, code, message]);
    }
    yield chunk;
    after = page[page.length - 1]!.item_index;
  }
}
