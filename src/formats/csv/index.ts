// CSV uploads (SPEC §5): a streaming RFC 4180 reader, the header -> column plan, and row -> record draft.
// docs/csv.md describes the options, the column mapping, amount parsing, row numbers and every error code.
//
// Upload side:  const result = await ingestCsv(body, { delimiter, maxLineBytes, mapping }, (line, payload) => stage(...));
//               // result.ok ? store result.plan with the request : fail it with result.errors
// Worker side:  const decode = csvItemDecoder(plan, { dataStreamKey, amountUnit, dateFormat, defaultCurrency });
//               decode(item.payload) -> { ok: true, draft } | { ok: false, error }
// Lower level:  readCsv / createCsvReader (rows with line numbers), planColumns, csvRowToRecord.

export {
  CsvParser,
  createCsvReader,
  readCsv,
  CSV_DELIMITERS,
  DEFAULT_BATCH_ROWS,
  DEFAULT_MAX_LINE_BYTES,
  type CsvDelimiter,
  type CsvReaderOptions,
  type CsvRow,
  type CsvSource,
} from './reader.js';
export { CsvFileError, CSV_FILE_ERROR_CODES, type CsvFileErrorCode } from './errors.js';
export {
  planColumns,
  CSV_FIELDS,
  REQUIRED_CSV_FIELDS,
  METADATA_PREFIX,
  type CsvColumnPlan,
  type CsvField,
  type PlanOptions,
  type PlanResult,
} from './columns.js';
export {
  csvRowToRecord,
  CSV_DATE_FORMATS,
  type CsvAmountUnit,
  type CsvDateFormat,
  type CsvRowContext,
  type CsvRowResult,
} from './row.js';
export { parseMajorAmount, parseMinorAmount, type ParsedAmount } from './amount.js';
export {
  ingestCsv,
  csvItemDecoder,
  encodeCsvRow,
  decodeCsvRow,
  type CsvIngestOptions,
  type CsvIngestResult,
  type CsvRowSink,
} from './ingest.js';
