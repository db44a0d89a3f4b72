import { ingestCsv, type CsvFileError } from '../formats/csv/index.js';
import type { FileError, FormatHandler } from './format.js';

const toFileError = (e: CsvFileError): FileError => ({ line: e.line, field: e.field, code: e.code, message: e.message });

/**
 * CSV uploads: the header row becomes the column plan (stored with the request for the workers), each data
 * row is staged as its cells, untouched, so the failed-rows download can give it back as uploaded.
 * Conversion to records happens in the workers (src/engine/sources.ts), row by row.
 */
export const csvHandler: FormatHandler = {
  async ingest(body, ctx, sink) {
    const result = await ingestCsv(
      body,
      { delimiter: ctx.options.csv.delimiter, maxLineBytes: ctx.limits.maxLineBytes, mapping: ctx.options.csv.mapping },
      (rowNumber, payload) => sink.push(rowNumber, payload),
    );
    if (!result.ok) {
      const errors = result.errors.map(toFileError);
      const first = errors[0]!;
      return {
        ok: false,
        message: `The CSV file was rejected: line ${first.line}${first.field ? ` ${first.field}` : ''}: ${first.message}`,
        errors,
        errorCount: errors.length,
      };
    }
    return { ok: true, requestOptions: { csv_plan: result.plan }, sourceDetails: { csv: { rows: result.rows, columns: result.plan.columns } } };
  },
};
