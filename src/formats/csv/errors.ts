// Whole-file problems of a CSV upload (SPEC §5): each one ends the upload `failed`, with
// `error_details.errors: [{line, field, code, message}]`. Row-level problems are not here: they are
// `ItemError`s with codes from src/errors/catalogue.ts, reported per row like any bulk item.
// Codes are stable snake_case identifiers; docs/csv.md lists the same table and test/csv/docs.test.ts keeps
// the two in sync. Messages never quote cell contents (they may be account data), only header names.

export const CSV_FILE_ERROR_CODES = {
  invalid_utf8: 'The file is not UTF-8 text (e.g. Windows-1252 or Latin-1): save it as UTF-8 and upload it again.',
  unclosed_quote: 'A quoted field is still open at the end of the file (a `"` without its closing `"`).',
  line_too_long: 'A record (one line, or several when a quoted field spans lines) is longer than the line length limit.',
  empty_file: 'The file holds no header row (it is empty, or only blank lines).',
  missing_column: 'A required column (date, amount) is not in the header row, nor named by `mapping`.',
  duplicate_column: 'Two header cells name the same column (names are trimmed and compared case-insensitively), or two columns would write the same metadata key.',
  invalid_mapping: '`mapping` is not an object of Sluice field to header name, names an unknown field, or maps two fields to one column.',
  mapping_column_not_found: '`mapping` names a header that is not in the header row.',
} as const;

export type CsvFileErrorCode = keyof typeof CSV_FILE_ERROR_CODES;

/** A problem with the file as a whole. `line` is the 1-based line in the file; `field` the column, if any. */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
  constructor(
    readonly code: CsvFileErrorCode,
    readonly line: number,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }

  /** The `{line, field, code, message}` shape of `error_details.errors`. */
  toJSON(): { line: number; field: string | null; code: CsvFileErrorCode; message: string } {
    return { line: this.line, field: this.field, code: this.code, message: this.message };
  }
}
