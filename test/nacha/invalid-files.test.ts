import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NACHA_ERROR_CODES, parseNacha, type NachaError, type NachaWarning } from '../../src/formats/nacha/index.js';
import { listAch, readAch, requireTestdata } from './testdata.js';

type Expected = Pick<NachaError, 'line' | 'record' | 'field' | 'code'>;
type ExpectedWarning = Pick<NachaWarning, 'line' | 'record' | 'field' | 'code'>;

/**
 * What is broken in each file, as read from the file itself. `only` means these are all the errors;
 * otherwise they must be among them (the file has more problems, listed in the comment).
 */
const EXPECTED: Record<string, { errors: Expected[]; only: boolean; entries?: number; warnings?: ExpectedWarning[] }> = {
  // Line 1 is 93 characters (a blank of the immediate origin is missing, shifting every later field, so
  // read padded it has no valid creation date); the batch headers are shifted too (SEC codes "PDT",
  // "PDV", "ATT", "ATV"), and the file control counts five batches where there are four.
  '20110729A-invalid.ach': {
    only: false,
    warnings: [{ line: 1, record: 'line', field: 'record', code: 'short_record' }],
    errors: [
      { line: 1, record: 'file_header', field: 'file_creation_date', code: 'invalid_date' },
      { line: 2, record: 'batch_header', field: 'standard_entry_class_code', code: 'invalid_sec_code' },
      { line: 293, record: 'file_control', field: 'batch_count', code: 'file_control_mismatch' },
    ],
  },
  // The file control says 0 entry/addenda records; the batch holds 2.
  'adv-invalidFileControl.ach': {
    only: true,
    errors: [{ line: 6, record: 'file_control', field: 'entry_addenda_count', code: 'file_control_mismatch' }],
  },
  // The file ends after the batch control.
  'adv-noFileControl.ach': {
    only: true,
    errors: [{ line: 5, record: 'file_control', field: 'record_type', code: 'missing_file_control' }],
  },
  // The first batch control names ODFI 23100000 and batch 0000000 (header: 23138010, 0000001). Also: the
  // immediate destination 987654321 fails its check digit. Warnings: the second (credits-only, 220)
  // batch holds a debit, and its batch control lost its trailing blanks.
  'iat-invalidBatchControl.ach': {
    only: true,
    errors: [
      { line: 1, record: 'file_header', field: 'immediate_destination', code: 'invalid_check_digit' },
      { line: 11, record: 'batch_control', field: 'odfi_identification', code: 'batch_control_mismatch' },
      { line: 11, record: 'batch_control', field: 'batch_number', code: 'batch_control_mismatch' },
    ],
    warnings: [
      { line: 13, record: 'entry_detail', field: 'transaction_code', code: 'service_class_mismatch' },
      { line: 22, record: 'line', field: 'record', code: 'short_record' },
    ],
  },
  // Transaction code 90 does not exist. Also: destination check digit. Warning: a debit in a 220 batch.
  'iat-invalidEntryDetail.ach': {
    only: true,
    errors: [
      { line: 1, record: 'file_header', field: 'immediate_destination', code: 'invalid_check_digit' },
      { line: 3, record: 'entry_detail', field: 'transaction_code', code: 'invalid_transaction_code' },
    ],
    warnings: [{ line: 15, record: 'entry_detail', field: 'transaction_code', code: 'service_class_mismatch' }],
  },
  // Lines 3, 5 and 6 have trailing blanks past column 94.
  'long-line.ach': {
    only: true,
    errors: [
      { line: 3, record: 'line', field: 'record', code: 'record_length' },
      { line: 5, record: 'line', field: 'record', code: 'record_length' },
      { line: 6, record: 'line', field: 'record', code: 'record_length' },
    ],
  },
  // A control character (0x1A) in the individual name.
  'pos-invalidEntryDetail.ach': {
    only: true,
    errors: [{ line: 3, record: 'entry_detail', field: 'individual_name', code: 'invalid_character' }],
  },
  // RDFI 23138010 with check digit 5 (4 is right). Warnings: the file header and the batch control lost
  // their trailing blanks.
  'ppd-debit-invalid-entryDetail-checkDigit.ach': {
    only: true,
    errors: [{ line: 3, record: 'entry_detail', field: 'check_digit', code: 'invalid_check_digit' }],
    warnings: [
      { line: 1, record: 'line', field: 'record', code: 'short_record' },
      { line: 5, record: 'line', field: 'record', code: 'short_record' },
    ],
  },
  // The immediate origin is " 000TESTER": neither a routing number nor a ten-digit company number.
  'ppd-mixedDebitCredit-invalid.ach': {
    only: true,
    errors: [{ line: 1, record: 'file_header', field: 'immediate_origin', code: 'invalid_numeric' }],
  },
  // Starts with an entry detail: no file header, no batch header, and no file control at the end.
  'return-no-batch-header.ach': {
    only: true,
    entries: 0,
    errors: [
      { line: 1, record: 'file_header', field: 'record_type', code: 'missing_file_header' },
      { line: 1, record: 'entry_detail', field: 'record_type', code: 'missing_batch_header' },
      { line: 4, record: 'file_control', field: 'record_type', code: 'missing_file_control' },
    ],
  },
};

function shape(error: NachaError): Expected {
  return { line: error.line, record: error.record, field: error.field, code: error.code };
}

describe('NACHA corpus: every invalid file is rejected with the right error', () => {
  test('the corpus is present and every file has an expectation', (t) => {
    if (!requireTestdata(t)) return;
    assert.deepEqual(listAch('invalid'), Object.keys(EXPECTED).sort());
  });

  for (const name of listAch('invalid')) {
    test(name, () => {
      const data = readAch('invalid', name);
      const result = parseNacha(data);
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for ${name}`);
      assert.equal(result.ok, false, 'an invalid file must not be importable');
      const got = result.errors.map(shape);
      if (expected.only) assert.deepEqual(got, expected.errors);
      else for (const error of expected.errors) assert.ok(got.some((g) => JSON.stringify(g) === JSON.stringify(error)), `missing ${JSON.stringify(error)} in ${JSON.stringify(got.slice(0, 20))}`);
      if (expected.entries !== undefined) assert.equal(result.entries.length, expected.entries);
      assert.deepEqual(result.warnings.map(shape), expected.warnings ?? [], 'warnings');

      for (const error of result.errors) {
        assert.ok(error.line >= 1, 'names a line');
        assert.ok(error.field.length > 0, 'names a field');
        assert.ok(error.code in NACHA_ERROR_CODES, `catalogued code ${error.code}`);
        assert.ok(error.message.length > 0);
      }

      // No error message quotes a full account number from the file.
      const accounts = data
        .toString('latin1')
        .split('\n')
        .filter((line) => line.startsWith('6'))
        .map((line) => line.slice(12, 29).trim())
        .filter((account) => account.length > 4);
      for (const issue of [...result.errors, ...result.warnings]) for (const account of accounts) assert.ok(!issue.message.includes(account), `account number in: ${issue.message}`);
    });
  }
});
