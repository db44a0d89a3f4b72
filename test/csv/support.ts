// Helpers of the CSV tests (not a test file: scripts/test.mjs runs only *.test.ts).
import { readCsv, type CsvReaderOptions, type CsvRow } from '../../src/formats/csv/reader.js';
import { CsvFileError } from '../../src/formats/csv/errors.js';

export const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Cuts `input` into pieces of the given sizes, cycling through them. */
export function cut(input: Buffer, sizes: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let k = 0;
  for (let i = 0; i < input.length; ) {
    const size = Math.max(1, sizes[k++ % sizes.length]!);
    pieces.push(input.subarray(i, i + size));
    i += size;
  }
  return pieces;
}

/** All rows of `input`, fed as the given chunks (default: one chunk). */
export async function readAll(input: Buffer | string | Buffer[], options: CsvReaderOptions = {}): Promise<CsvRow[]> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? bytes(input) : input];
  const rows: CsvRow[] = [];
  for await (const batch of readCsv(chunks, options)) rows.push(...batch);
  return rows;
}

export type Outcome = { rows: CsvRow[] } | { error: { code: string; line: number; field: string | null } };

/** Rows, or the CsvFileError (code, line, field): any other exception fails the test. */
export async function outcome(input: Buffer | Buffer[], options: CsvReaderOptions = {}): Promise<Outcome> {
  try {
    return { rows: await readAll(input, options) };
  } catch (error) {
    if (error instanceof CsvFileError) return { error: { code: error.code, line: error.line, field: error.field } };
    throw error;
  }
}

/** The cells of each row. */
export const cellsOf = (rows: CsvRow[]) => rows.map((r) => r.cells);
/** The line numbers of each row. */
export const linesOf = (rows: CsvRow[]) => rows.map((r) => r.rowNumber);

/** Line breaks as the reader counts them: LF, CRLF and lone CR once each. */
export function lineBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) count++;
  }
  return count;
}

/**
 * A small RFC 4180 writer for round trips: quotes a cell when it holds the delimiter, a quote, a line break
 * or a BOM; quotes the first cell of a row whose cells are all empty (a bare `,,` or blank line is no row).
 */
export function writeCsv(rows: readonly (readonly string[])[], delimiter = ',', terminators: readonly string[] = ['\n'], finalTerminator = true): string {
  let out = '';
  rows.forEach((row, r) => {
    const allEmpty = row.every((c) => c === '');
    out += row
      .map((cell, i) => {
        const needs = cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r') || cell.includes('\ufeff');
        return needs || (allEmpty && i === 0) ? `"${cell.replaceAll('"', '""')}"` : cell;
      })
      .join(delimiter);
    if (r < rows.length - 1 || finalTerminator) out += terminators[r % terminators.length]!;
  });
  return out;
}

/** Line on which each row written by writeCsv starts. */
export function expectedLines(rows: readonly (readonly string[])[]): number[] {
  const lines: number[] = [];
  let line = 1;
  for (const row of rows) {
    lines.push(line);
    line += 1 + row.reduce((sum, cell) => sum + lineBreaks(cell), 0);
  }
  return lines;
}
