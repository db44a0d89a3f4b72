// Every error and warning the NACHA parser reports. Codes are stable snake_case identifiers (callers and
// docs branch on them); docs/nacha.md lists the same tables and test/nacha/docs.test.ts keeps them in sync.
//
// An error makes the file unusable: its structure, a length after padding, a check digit, a control total
// or a code no one can interpret is wrong. A warning is a deviation from the NACHA rules that leaves the
// data reliable (moov-io/ach reads such files in its default configuration); with the `strict` option a
// warning is reported as an error with the same code.
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
  invalid_service_class: 'The service class code is not 200, 220, 225 or 280, 280 (automated accounting advices) is not used exactly for ADV batches, or it excludes the only direction the SEC code allows (220 for debit-only codes, 225 for CIE).',
  invalid_sec_code: 'The standard entry class code is not one Sluice reads.',
  mixed_adv_batches: 'ADV batches and other batches in one file (their file control layouts differ).',
  invalid_transaction_code: 'The transaction code is not a known NACHA code, or not allowed in this batch (ADV codes, the direction or the codes its SEC code allows).',
  amount_over_limit: 'An entry amount is above the limit of its SEC code (ARC, BOC, POP: 25,000.00; RCK, XCK: 2,500.00).',
  amount_must_be_zero: 'A prenote or zero-dollar entry has a non-zero amount.',
  addenda_indicator_mismatch: 'The addenda record indicator says 0 but addenda follow.',
  addenda_type_not_allowed: 'This addenda type code is unknown, or not allowed for the batch SEC code.',
  addenda_sequence: 'Addenda sequence numbers go down, or the entry detail sequence number does not match the entry trace number.',
  addenda_count_mismatch: 'The number of addenda records stated in a CTX/ATX/TRX entry differs from the addenda that follow.',
  missing_addenda: 'A forward entry lacks an addenda its SEC code requires: 02 for POS, SHR and MTE, 05 for DNE.',
  missing_iat_addenda: 'An IAT entry lacks one of its seven mandatory addenda (types 10 to 16).',
  too_many_addenda: 'An entry has more addenda than NACHA allows (9,999 for CTX, one 05 for ACK, CCD, CIE, DNE, PPD and WEB, two 17 and five 18 for IAT); past 9,999 they are not kept.',
  unknown_return_reason_code: 'An addenda 99 return reason code is not one NACHA defines (R01-R85, see the table).',
  unknown_change_code: 'An addenda 98 change code is not one NACHA defines (C01-C14, refused C61-C69).',
  mixed_entry_categories: 'A batch holds both forward entries and returns (addenda 99); notifications of change may join either.',
  trace_number_not_ascending: 'Trace numbers within a batch are not in ascending order.',
  trace_number_odfi_mismatch: 'The first eight digits of a trace number are not the batch header ODFI identification.',
  batch_number_not_ascending: 'Batch numbers within the file are not in ascending order.',
  batch_control_mismatch: 'A batch control field disagrees with its batch header or with the entries of the batch.',
  file_control_mismatch: 'A file control field disagrees with the batches and entries of the file.',
  too_many_errors: 'maxErrors errors were reported; the parser stopped reading.',
} as const;

/** Deviations that leave the data reliable: reported as warnings, or as errors with the `strict` option. */
export const NACHA_WARNING_CODES = {
  short_record: 'A record is shorter than 94 characters (trailing blanks stripped); it is read as if padded with blanks.',
  empty_line: 'An empty or all-blank line between records; it is skipped. Empty lines after the last record are ignored silently.',
  service_class_mismatch: 'An entry debits in a credits-only batch (220) or credits in a debits-only batch (225); the totals still count it on its own side.',
  amount_on_notification_of_change: 'A notification of change (COR entry) carries a non-zero amount; the entry is still not a record, and the amount is counted in the control totals as written.',
  addenda_indicator_without_addenda: 'The addenda record indicator says 1 but no addenda record follows.',
  addenda_sequence_gap: 'Addenda sequence numbers (05, 17, 18) do not count 1, 2, ... but never go down.',
  iat_addenda_order: 'IAT addenda 10 to 16 are not in that order, or an addenda 17/18 comes before them.',
} as const;

export type NachaWarningCode = keyof typeof NACHA_WARNING_CODES;

/** A warning reported as an error (strict) keeps its code, so the two share one type. */
export type NachaErrorCode = keyof typeof NACHA_ERROR_CODES | NachaWarningCode;

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

/** Same shape as an error: where the deviation is and what it is. */
export interface NachaWarning extends Omit<NachaError, 'code'> {
  code: NachaWarningCode;
}

/** Receives every error as it is found; returns nothing, the parser decides when to stop. */
export type Report = (line: number, record: NachaRecordName, field: string, code: NachaErrorCode, message: string) => void;

/** Receives every warning; under `strict` the parser turns it into an error. */
export type Warn = (line: number, record: NachaRecordName, field: string, code: NachaWarningCode, message: string) => void;
