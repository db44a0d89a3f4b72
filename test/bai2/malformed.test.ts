// Malformed input gets a named, located error, never an exception: truncated files, wrong record order,
// unterminated continuations, broken fields, wrong totals; and the named relaxations accept exactly the
// deviation they name.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBai2, type Bai2Options } from '../../src/formats/bai2/index.js';

const GOOD = [
  '01,122099999,123456789,040621,0200,1,80,,2/',
  '02,031001234,122099999,1,040620,2359,,2/',
  '03,0123456789,,010,+4350000,,,040,2830000,,/',
  '16,115,450000,S,100000,200000,150000,,,/',
  '16,475,1000,0,BANKREF,CUSTREF,CHECK 1234/',
  '49,7631000,4/',
  '98,7631000,1,6/',
  '99,7631000,1,8/',
];
const file = (lines: string[]) => lines.join('\n') + '\n';
const replace = (i: number, line: string) => GOOD.map((l, k) => (k === i ? line : l));
const without = (i: number) => GOOD.filter((_, k) => k !== i);

function firstError(input: string, options: Bai2Options = {}) {
  const { result } = parseBai2(input, options);
  assert.equal(result.ok, false, 'refused');
  return result.errors[0]!;
}

function expect(input: string, code: string, line: number, record: string, field?: string, options: Bai2Options = {}) {
  const e = firstError(input, options);
  assert.deepEqual([e.code, e.line, e.record, ...(field ? [e.field] : [])], [code, line, record, ...(field ? [field] : [])], e.message);
  assert.ok(e.message.length > 0);
}

describe('BAI2 malformed input', () => {
  test('the base file is valid', () => {
    const { result } = parseBai2(file(GOOD));
    assert.deepEqual(result.errors, []);
    assert.equal(result.detailCount, 2);
    assert.equal(result.debitAmount, 1000n);
  });

  test('empty input and blank lines only', () => {
    expect('', 'empty_file', 1, 'file');
    expect('\n  \n\r\n', 'empty_file', 3, 'file');
  });

  test('truncated files: every prefix is refused with a named error, and never throws', () => {
    const whole = file(GOOD);
    const cut = whole.lastIndexOf('99,');
    for (let n = 0; n <= cut; n++) {
      const { result } = parseBai2(whole.slice(0, n));
      assert.equal(result.ok, false, `prefix of ${n}`);
      assert.ok(result.errors.length > 0);
    }
    // Reported at the last line read.
    expect(file(GOOD.slice(0, 5)), 'missing_account_trailer', 5, 'account_trailer');
    const { result } = parseBai2(file(GOOD.slice(0, 7)));
    assert.equal(result.errors.at(-1)!.code, 'missing_file_trailer');
  });

  test('wrong record order', () => {
    expect(file(without(0)), 'missing_file_header', 1, 'group_header');
    expect(file([GOOD[0]!, GOOD[2]!, ...GOOD.slice(3)]), 'unexpected_record', 2, 'account_identifier');
    expect(file([...GOOD.slice(0, 2), GOOD[3]!, GOOD[2]!, ...GOOD.slice(4)]), 'unexpected_record', 3, 'transaction_detail');
    expect(file([...GOOD.slice(0, 5), GOOD[6]!, GOOD[5]!, GOOD[7]!]), 'missing_account_trailer', 6, 'account_trailer');
    expect(file([...GOOD, GOOD[1]!]), 'record_after_file_trailer', 9, 'group_header');
    expect(file([GOOD[0]!, ...GOOD]), 'duplicate_file_header', 2, 'file_header');
    expect(file(['88,CONTINUED/', ...GOOD]), 'continuation_without_record', 1, 'continuation');
  });

  test('unterminated records and continuations', () => {
    // An 88 continuing the text that never ends with "/" before the next record.
    expect(file([...GOOD.slice(0, 5), '88,MORE TEXT', ...GOOD.slice(5)]), 'missing_terminator', 6, 'continuation');
    expect(file(replace(5, '49,7631000,4')), 'missing_terminator', 6, 'account_trailer');
    // The last record of a truncated file: no "/", no trailer.
    const { result } = parseBai2(file(GOOD.slice(0, 4)).trimEnd().slice(0, -1));
    assert.deepEqual(result.errors.map((e) => e.code).slice(0, 1), ['missing_terminator']);
    // allowMissingSlash reads records that end at the line break.
    const lenient = parseBai2(file(GOOD.map((l) => l.slice(0, -1))), { allowMissingSlash: true });
    assert.deepEqual(lenient.result.errors, []);
    assert.equal(lenient.result.detailCount, 2);
  });

  test('a record that runs on without "/" is bounded by maxLineLength', () => {
    const long = `16,475,1000,0,,,${'X'.repeat(50)}`;
    const lines = [...GOOD.slice(0, 4), long, ...Array.from({ length: 40 }, () => 'Y'.repeat(50)), ...GOOD.slice(5)];
    expect(file(lines), 'line_too_long', 5, 'line', undefined, { maxLineLength: 1000 });
    expect(file(replace(4, `16,475,1000,0,,,${'X'.repeat(2000)}/`)), 'line_too_long', 5, 'line', undefined, { maxLineLength: 1000 });
  });

  test('fields: dates, times, version, status, currency, amounts', () => {
    expect(file(replace(0, '01,122099999,123456789,040631,0200,1,80,,2/')), 'invalid_date', 1, 'file_header', 'file_creation_date');
    expect(file(replace(0, '01,122099999,123456789,040621,2500,1,80,,2/')), 'invalid_time', 1, 'file_header', 'file_creation_time');
    expect(file(replace(0, '01,122099999,123456789,040621,0200,1,80,,3/')), 'unsupported_version', 1, 'file_header', 'version_number');
    expect(file(replace(0, '01,,123456789,040621,0200,1,80,,2/')), 'required_field', 1, 'file_header', 'sender_identification');
    expect(file(replace(0, '01,122099999,123456789,040621,0200,1,80,,2,EXTRA/')), 'too_many_fields', 1, 'file_header', 'record');
    expect(file(replace(1, '02,031001234,122099999,5,040620,2359,,2/')), 'invalid_value', 2, 'group_header', 'group_status');
    expect(file(replace(1, '02,031001234,122099999,1,,2359,,2/')), 'required_field', 2, 'group_header', 'as_of_date');
    expect(file(replace(1, '02,031001234,122099999,1,040620,2359,XYZ,2/')), 'invalid_currency', 2, 'group_header', 'currency_code');
    expect(file(replace(2, '03,0123456789,US,010,+4350000,,,040,2830000,,/')), 'invalid_currency', 3, 'account_identifier', 'currency_code');
    expect(file(replace(2, '03,0123456789,,010,+43x0000,,,040,2830000,,/')), 'invalid_amount', 3, 'account_identifier', 'amount');
    expect(file(replace(2, '03,,,010,+4350000,,,040,2830000,,/')), 'required_field', 3, 'account_identifier', 'customer_account_number');
    expect(file(replace(4, '16,475,-1000,0,BANKREF,CUSTREF,CHECK 1234/')), 'invalid_amount', 5, 'transaction_detail', 'amount');
    expect(file(replace(4, '16,475,,0,BANKREF,CUSTREF,CHECK 1234/')), 'required_field', 5, 'transaction_detail', 'amount');
    expect(file(replace(4, '16,475,99999999999999999,0,BANKREF,CUSTREF,CHECK 1234/')), 'amount_too_large', 5, 'transaction_detail', 'amount');
  });

  test('type codes in the specification ranges', () => {
    expect(file(replace(4, '16,750,1000,0,BANKREF,CUSTREF,CHECK 1234/')), 'invalid_type_code', 5, 'transaction_detail', 'type_code');
    expect(file(replace(4, '16,050,1000,0,BANKREF,CUSTREF,CHECK 1234/')), 'invalid_type_code', 5, 'transaction_detail', 'type_code');
    expect(file(replace(4, '16,47,1000,0,BANKREF,CUSTREF,CHECK 1234/')), 'invalid_type_code', 5, 'transaction_detail', 'type_code');
    expect(file(replace(2, '03,0123456789,,850,+4350000,,,040,2830000,,/')), 'invalid_type_code', 3, 'account_identifier', 'type_code');
    // A customized debit code (960-999) is a debit.
    const { result } = parseBai2(file(replace(4, '16,975,1000,0,BANKREF,CUSTREF,CHECK 1234/')));
    assert.equal(result.debitAmount, 1000n);
  });

  test('funds types and their extra fields', () => {
    expect(file(replace(3, '16,115,450000,X,,,/')), 'invalid_funds_type', 4, 'transaction_detail', 'funds_type');
    expect(file(replace(3, '16,115,450000,V,,,,/')), 'invalid_funds_type', 4, 'transaction_detail', 'value_date');
    expect(file(replace(3, '16,115,450000,V,041332,,,/')), 'invalid_date', 4, 'transaction_detail', 'value_date');
    expect(file(replace(3, '16,115,450000,S,1x,,/')), 'invalid_amount', 4, 'transaction_detail', 'immediate_availability');
    expect(file(replace(3, '16,115,450000,D,/')), 'invalid_funds_type', 4, 'transaction_detail', 'distribution_count');
    expect(file(replace(3, '16,115,450000,D,3,0,100/')), 'invalid_funds_type', 4, 'transaction_detail', 'distribution_count');
    // D with its distributions continued in an 88, and the text after them.
    const lines = replace(3, '16,115,450000,D,2,0,100000/');
    lines.splice(4, 0, '88,1,350000,,,LOCKBOX/');
    lines[5] = lines[5]!; // the 16 that follows is unchanged
    const fixed = lines.map((l) => (l.startsWith('49,') ? '49,7631000,5/' : l.startsWith('98,') ? '98,7631000,1,7/' : l.startsWith('99,') ? '99,7631000,1,9/' : l));
    const { result, events } = parseBai2(file(fixed));
    assert.deepEqual(result.errors, []);
    const detail = events.find((e) => e.type === 'detail');
    assert.ok(detail && detail.type === 'detail');
    assert.deepEqual(detail.detail.funds.distributions, [{ days: 0, amount: 100000n }, { days: 1, amount: 350000n }]);
    assert.equal(detail.detail.text, 'LOCKBOX');
  });

  test('control totals and record counts, and skipControlTotals', () => {
    expect(file(replace(5, '49,7631001,4/')), 'account_control_mismatch', 6, 'account_trailer', 'account_control_total');
    expect(file(replace(5, '49,7631000,5/')), 'account_control_mismatch', 6, 'account_trailer', 'number_of_records');
    expect(file(replace(6, '98,7631000,2,6/')), 'group_control_mismatch', 7, 'group_trailer', 'number_of_accounts');
    expect(file(replace(6, '98,7631001,1,6/')), 'group_control_mismatch', 7, 'group_trailer', 'group_control_total');
    expect(file(replace(7, '99,7631000,1,9/')), 'file_control_mismatch', 8, 'file_trailer', 'number_of_records');
    expect(file(replace(7, '99,7631000,2,8/')), 'file_control_mismatch', 8, 'file_trailer', 'number_of_groups');
    expect(file(replace(7, '99,-7631000,1,8/')), 'file_control_mismatch', 8, 'file_trailer', 'file_control_total');
    expect(file(replace(5, '49,,4/')), 'required_field', 6, 'account_trailer', 'account_control_total');
    const relaxed = parseBai2(file(replace(5, '49,1,99/')), { skipControlTotals: true });
    assert.deepEqual(relaxed.result.errors, []);
  });

  test('physical record length, control characters, unknown records', () => {
    expect(file(replace(4, `16,475,1000,0,BANKREF,CUSTREF,CHECK 1234${' '.repeat(60)}/`)), 'record_length', 5, 'line');
    const ignored = parseBai2(file(replace(4, `16,475,1000,0,BANKREF,CUSTREF,CHECK 1234${' '.repeat(60)}/`)), { ignoreRecordLength: true });
    assert.deepEqual(ignored.result.errors, []);
    expect(file(replace(4, '16,475,1000,0,BANKREF,CUSTREF,CHECK\u00001234/')), 'invalid_character', 5, 'line');
    expect(file(replace(4, '17,475,1000,0,BANKREF,CUSTREF,CHECK 1234/')), 'unknown_record_type', 5, 'line');
    expect('<?xml version="1.0"?><Document/>\n', 'unknown_record_type', 1, 'line');
  });

  test('messages never quote an account number', () => {
    const lines = replace(2, '03,9988776655,XYZ,010,+4350000,,,040,2830000,,/');
    const { result } = parseBai2(file(lines));
    assert.ok(result.errors.length > 0);
    for (const e of result.errors) assert.ok(!e.message.includes('9988776655'), e.message);
    assert.ok(!JSON.stringify(parseBai2(file(GOOD)), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes('0123456789'));
  });

  test('a text field may hold "/" and commas', () => {
    const { result, events } = parseBai2(file(replace(4, '16,475,1000,0,BANKREF,CUSTREF,A/P PAYMENT, INV 1/2/')));
    assert.deepEqual(result.errors, []);
    const d = events.find((e) => e.type === 'detail' && e.detail.typeCode === '475');
    assert.ok(d && d.type === 'detail');
    assert.equal(d.detail.text, 'A/P PAYMENT, INV 1/2');
  });
});
