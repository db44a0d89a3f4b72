// Every error the NACHA parser reports. Codes are stable snake_case identifiers (callers and docs branch on
// them); docs/nacha.md lists the same table and test/nacha/docs.test.ts keeps the two in sync.
//
// Messages may quote codes, counts and totals, but never the content of a field that can hold account
// data (DFI account numbers, NOC corrected data, card numbers): such values are described, not echoed.

export const NACHA_ERROR_CODES = {
  empty_file: 'The input holds no records at all.',
  line_too_long: 'A line is longer than maxLineLength; its content was skipped without being read.',
  record_length: 'A record is not 94 characters long.',
  invalid_character: 'A character outside printable ASCII (0x20-0x7E), e.g. a control character or a non-ASCII byte.',
  unknown_record_type: 'The first character of a record is not 1, 5, 6, 7, 8 or 9.',
  missing_file_header: 'The first record is not a file header (type 1).',
  duplicate_file_header: 'A second file header before the file control record.',
  missing_batch_header: 'An entry, addenda or batch control record outside a batch (no batch header before it).',
  missing_batch_control: 'A batch is not closed by a batch control record (type 8) before the next batch or the end.',
  missing_file_control: 'The file has no file control record (type 9) after its last batch.',
  record_after_file_control: 'Something other than all-9 padding records follows the file control record.',
  addenda_without_entry: 'An addenda record (type 7) does not follow an entry detail or another addenda record.',
  empty_batch: 'A batch holds no entry detail records.',
  invalid_numeric: 'A numeric field holds something other than digits.',
  invalid_value: 'A field holds a value its definition does not allow (e.g. record size other than 094).',
  required_field: 'A mandatory field is blank.',
  invalid_date: 'A YYMMDD date field is not a real calendar date (blank and 000000 are accepted as "no date").',
  invalid_time: 'The HHMM file creation time is not a real time of day.',
  invalid_check_digit: 'The check digit does not match the routing number (ABA mod-10).',
  invalid_service_class: 'The service class code is not 200, 220, 225 or 280.',
  invalid_sec_code: 'The standard entry class code is not one Sluice reads.',
  mixed_adv_batches: 'ADV batches and other batches in one file (their file control layouts differ).',
  invalid_transaction_code: 'The transaction code is not a known NACHA code, or not allowed in this batch.',
  service_class_mismatch: 'An entry debits in a credits-only batch (220), credits in a debits-only batch (225), or ADV and non-ADV do not match.',
  amount_must_be_zero: 'A prenote, zero-dollar or notification-of-change entry has a non-zero amount.',
  addenda_indicator_mismatch: 'The addenda record indicator says 0 but addenda follow, or 1 but none follow.',
  addenda_type_not_allowed: 'This addenda type code is unknown, or not allowed for the batch SEC code.',
  addenda_sequence: 'Addenda sequence numbers do not count up from 1, or the entry detail sequence number does not match the entry trace number.',
  addenda_count_mismatch: 'The number of addenda records stated in a CTX/ATX/TRX entry differs from the addenda that follow.',
  missing_iat_addenda: 'An IAT entry lacks its seven mandatory addenda (types 10 to 16, in order).',
  too_many_addenda: 'An entry has more addenda than NACHA allows (9,999 for CTX); the rest were not kept.',
  trace_number_not_ascending: 'Trace numbers within a batch are not in ascending order.',
  trace_number_odfi_mismatch: 'The first eight digits of a trace number are not the batch header ODFI identification.',
  batch_number_not_ascending: 'Batch numbers within the file are not in ascending order.',
  batch_control_mismatch: 'A batch control field disagrees with its batch header or with the entries of the batch.',
  file_control_mismatch: 'A file control field disagrees with the batches and entries of the file.',
  too_many_errors: 'maxErrors errors were reported; the parser stopped reading.',
} as const;

export type NachaErrorCode = keyof typeof NACHA_ERROR_CODES;

/** Which record an error is about; addenda are named by their type code. */
export type NachaRecordName =
  | 'file'
  | 'line'
  | 'file_header'
  | 'batch_header'
  | 'entry_detail'
  | 'addenda'
  | 'addenda_02'
  | 'addenda_05'
  | 'addenda_98'
  | 'addenda_99'
  | 'addenda_10'
  | 'addenda_11'
  | 'addenda_12'
  | 'addenda_13'
  | 'addenda_14'
  | 'addenda_15'
  | 'addenda_16'
  | 'addenda_17'
  | 'addenda_18'
  | 'batch_control'
  | 'file_control'
  | 'padding';

export interface NachaError {
  /** 1-based line of the input (record number when the file has no line breaks). */
  line: number;
  record: NachaRecordName;
  /** snake_case field name from the record layout, or 'record' when the whole record is at fault. */
  field: string;
  code: NachaErrorCode;
  message: string;
}

/** Receives every error as it is found; returns nothing, the parser decides when to stop. */
export type Report = (line: number, record: NachaRecordName, field: string, code: NachaErrorCode, message: string) => void;
