// Every error the BAI2 reader reports. Codes are stable snake_case identifiers (callers and docs branch on
// them); docs/bai2.md lists the same table and test/bai2/docs.test.ts keeps the two in sync.
//
// Messages may quote codes, counts, totals and dates, but never an account number: a customer account
// number is described ("the account number"), not echoed.

export const BAI2_ERROR_CODES = {
  empty_file: 'The input holds no records at all.',
  line_too_long: 'A physical line, or one logical record with its continuations, is longer than maxLineLength; it was skipped without being kept.',
  record_length: 'A physical line is longer than the physical record length the file header declares.',
  invalid_character: 'A control character (other than tab, CR and LF) or NUL inside a record.',
  unknown_record_type: 'A record does not start with one of the codes 01, 02, 03, 16, 88, 49, 98, 99 followed by a comma.',
  missing_terminator: 'A record does not end with the "/" delimiter.',
  missing_file_header: 'The first record is not a file header (01).',
  duplicate_file_header: 'A second file header (01).',
  unexpected_record: 'A record where the structure does not allow it (e.g. a 16 outside an account, a 03 outside a group).',
  continuation_without_record: 'A continuation record (88) with no record before it to continue.',
  missing_account_trailer: 'An account (03) is not closed by an account trailer (49) before the next account, group trailer or the end.',
  missing_group_trailer: 'A group (02) is not closed by a group trailer (98) before the next group, the file trailer or the end.',
  missing_file_trailer: 'The file has no file trailer (99): it is truncated.',
  record_after_file_trailer: 'Records follow the file trailer (99).',
  too_many_fields: 'A record holds more fields than its layout defines.',
  required_field: 'A mandatory field is blank or missing.',
  invalid_numeric: 'A numeric field holds something other than digits.',
  invalid_amount: 'An amount is not digits with an optional sign (+ or -), or a detail amount carries a sign.',
  amount_too_large: 'A transaction detail amount is above 9007199254740991 minor units, beyond any exact integer amount.',
  invalid_date: 'A YYMMDD date field is not a real calendar date.',
  invalid_time: 'An HHMM time field is not a real time of day (0000-2359, 2400 or 9999 for end of day).',
  invalid_value: 'A coded field holds a value its definition does not allow (group status, as-of-date modifier, version).',
  unsupported_version: 'The file header version number is not 2: only BAI version 2 files are read.',
  invalid_currency: 'A currency code is not an ISO 4217 code with a defined minor unit.',
  invalid_type_code: 'A type code is outside the ranges the specification defines for its place (status 001-099 and 900-919; summary 100-799 and 920-999; detail 100-699 and 920-999).',
  invalid_funds_type: 'A funds type is not one of 0, 1, 2, V, S, D, Z (or blank), or its extra fields are missing or malformed.',
  account_control_mismatch: 'An account trailer (49) control total or record count differs from the account it closes.',
  group_control_mismatch: 'A group trailer (98) control total, account count or record count differs from the group it closes.',
  file_control_mismatch: 'A file trailer (99) control total, group count or record count differs from the file.',
  too_many_errors: 'maxErrors errors were reported; the reader stopped.',
} as const;

export type Bai2ErrorCode = keyof typeof BAI2_ERROR_CODES;

/** Which record an error is about. */
export type Bai2RecordName =
  | 'file'
  | 'line'
  | 'file_header'
  | 'group_header'
  | 'account_identifier'
  | 'transaction_detail'
  | 'continuation'
  | 'account_trailer'
  | 'group_trailer'
  | 'file_trailer';

export interface Bai2Error {
  /** 1-based physical line where the record starts. */
  line: number;
  record: Bai2RecordName;
  /** snake_case field name from the record layout, or 'record' when the whole record is at fault. */
  field: string;
  code: Bai2ErrorCode;
  message: string;
}

/** Receives every error as it is found; the reader decides when to stop. */
export type Report = (line: number, record: Bai2RecordName, field: string, code: Bai2ErrorCode, message: string) => void;
