// The project's own small NACHA files (test/fixtures/nacha, see its README): line-end variants and one
// file per named relaxation, each rejected in strict mode and accepted with exactly its relaxation.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNacha, RELAXATION_NAMES, type NachaError, type NachaOptions } from '../../src/formats/nacha/index.js';
import { canonical, readFixture } from './testdata.js';

function codes(errors: readonly NachaError[]): string[] {
  return errors.map((e) => `${e.line}:${e.field}:${e.code}`);
}

/** What the base file (crlf.ach, no-padding.ach, unsplit.ach) holds. */
const BASE_ENTRIES = [
  { transactionCode: 22, direction: 'credit', amount: 250075, rdfiRoutingNumber: '231380104', accountLast4: '6789', individualName: 'JANE DOE', traceNumber: '121042880000001' },
  { transactionCode: 32, direction: 'credit', amount: 100, rdfiRoutingNumber: '031300012', accountLast4: '3210', individualName: 'JOHN ROE', traceNumber: '121042880000002' },
  { transactionCode: 27, direction: 'debit', amount: 1999, rdfiRoutingNumber: '231380104', accountLast4: '1212', individualName: 'RICHARD MILES', traceNumber: '121042880000003' },
  { transactionCode: 27, direction: 'debit', amount: 1234567890, rdfiRoutingNumber: '121042882', accountLast4: '8899', individualName: 'WIDGETS INC', traceNumber: '121042880000001' },
];

function summary(name: string, options: NachaOptions = {}) {
  const result = parseNacha(readFixture(name), options);
  return {
    result,
    entries: result.entries.map((e) => ({
      transactionCode: e.transactionCode,
      direction: e.direction,
      amount: e.amount,
      rdfiRoutingNumber: e.rdfiRoutingNumber,
      accountLast4: e.accountLast4,
      individualName: e.individualName,
      traceNumber: e.traceNumber,
    })),
  };
}

describe('NACHA fixtures: line ends and framing', () => {
  for (const name of ['crlf.ach', 'no-padding.ach', 'unsplit.ach']) {
    test(`${name} reads the same four entries`, () => {
      const { result, entries } = summary(name);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(entries, BASE_ENTRIES);
      assert.equal(result.fileControl?.totalDebitAmount, 1234569889n);
      assert.equal(result.fileControl?.totalCreditAmount, 250175n);
      assert.equal(result.entries[1]?.paymentRelatedInformation, 'BONUS Q4');
      assert.equal(result.entries[3]?.paymentRelatedInformation, 'INV 2024-001 NET 30\nPO 5567');
    });
  }

  test('the fixtures still have their line ends (a git text conversion would break them)', () => {
    const crlf = readFixture('crlf.ach').toString('latin1');
    assert.equal(crlf.split('\r\n').length, 21, 'crlf.ach: twenty CRLF-terminated records');
    assert.ok(!readFixture('unsplit.ach').includes(0x0a), 'unsplit.ach: no line break');
    assert.ok(!readFixture('no-padding.ach').includes(0x0d), 'no-padding.ach: LF only');
  });

  test('the three framings give identical results apart from padding', () => {
    const crlf = parseNacha(readFixture('crlf.ach'));
    const unsplit = parseNacha(readFixture('unsplit.ach'));
    assert.equal(canonical(crlf.entries), canonical(unsplit.entries));
    assert.equal(unsplit.lineCount, 20, 'records count as lines when there are no line breaks');
  });
});

describe('NACHA fixtures: each relaxation', () => {
  const cases: { file: string; option: keyof NachaOptions; strict: string[] }[] = [
    { file: 'short-lines.ach', option: 'allowShortLines', strict: ['1:record:short_record', '13:record:short_record'] },
    {
      file: 'long-lines.ach',
      option: 'allowLongLines',
      strict: Array.from({ length: 20 }, (_, i) => `${i + 1}:record:record_length`),
    },
    { file: 'bad-check-digit.ach', option: 'skipCheckDigit', strict: ['3:check_digit:invalid_check_digit'] },
    { file: 'missing-file-control.ach', option: 'allowMissingFileControl', strict: ['12:record_type:missing_file_control'] },
    {
      file: 'unbalanced.ach',
      option: 'skipControlTotals',
      strict: ['7:total_debit_entry_dollar_amount:batch_control_mismatch', '13:total_debit_entry_dollar_amount:file_control_mismatch'],
    },
    { file: 'unknown-transaction-code.ach', option: 'allowUnknownTransactionCodes', strict: ['6:transaction_code:invalid_transaction_code'] },
    {
      file: 'trace-out-of-order.ach',
      option: 'skipTraceNumberChecks',
      strict: ['4:trace_number:trace_number_not_ascending', '6:trace_number:trace_number_not_ascending', '9:trace_number:trace_number_odfi_mismatch'],
    },
  ];

  test('short-lines.ach imports by default, with a short_record warning per stripped record', () => {
    const result = parseNacha(readFixture('short-lines.ach'));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(codes(result.warnings), ['1:record:short_record', '13:record:short_record']);
    assert.equal(canonical(result.entries), canonical(parseNacha(readFixture('no-padding.ach')).entries));
  });

  test('every relaxation has a fixture', () => {
    assert.deepEqual(cases.map((c) => c.option).sort(), [...RELAXATION_NAMES].sort());
  });

  for (const { file, option, strict } of cases) {
    test(`${file}: rejected under strict, accepted with ${option} alone`, () => {
      assert.deepEqual(codes(parseNacha(readFixture(file), { strict: true }).errors), strict);
      const relaxed = parseNacha(readFixture(file), { [option]: true, strict: true });
      assert.deepEqual(relaxed.errors, []);
      assert.deepEqual(relaxed.warnings, []);
      // No other relaxation is enough on its own.
      for (const other of RELAXATION_NAMES) {
        if (other === option) continue;
        assert.equal(parseNacha(readFixture(file), { [other]: true, strict: true }).ok, false, `${other} must not accept ${file}`);
      }
    });
  }

  test('allowUnknownTransactionCodes reads direction from the last digit', () => {
    const { result } = summary('unknown-transaction-code.ach', { allowUnknownTransactionCodes: true });
    const entry = result.entries[2];
    assert.equal(entry?.transactionCode, 25);
    assert.equal(entry?.direction, 'debit');
    assert.equal(entry?.accountType, 'unknown');
  });

  test('allowLongLines still rejects a long line whose excess is not blank', () => {
    const text = readFixture('long-lines.ach').toString('latin1').replace(/^(6.{93}) {3}$/m, '$1XYZ');
    assert.deepEqual(codes(parseNacha(text, { allowLongLines: true }).errors), ['3:record:record_length']);
  });
});

describe('NACHA fixtures: non-monetary entries', () => {
  test('prenotes, zero-dollar entries, NOCs and returns are classified and counted', () => {
    const { result } = summary('non-monetary.ach');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.excluded, { notificationOfChange: 1, prenote: 2, zeroAmount: 1, total: 4 });
    assert.deepEqual(
      result.entries.map((e) => [e.transactionCode, e.isPrenote, e.isZeroAmount, e.isNotificationOfChange, e.isReturn, e.isMonetary]),
      [
        [23, true, true, false, false, false],
        [38, true, true, false, false, false],
        [22, false, false, false, false, true],
        [24, false, true, false, false, false],
        [21, false, true, true, false, false],
        [26, false, false, false, true, true],
      ],
    );
    assert.equal(result.monetary.entryCount, 2);
    assert.equal(result.monetary.creditAmount, 4200n);
    assert.equal(result.monetary.debitAmount, 1500n);
    assert.equal(result.totals.entryCount, 6);

    const noc = result.entries[4];
    assert.equal(noc?.changeCode, 'C01');
    const addenda98 = noc?.addenda[0];
    assert.equal(addenda98?.type, '98');
    assert.equal(addenda98?.type === '98' ? addenda98.correctedData : undefined, null, 'C01 corrected data is an account number');
    const returned = result.entries[5];
    assert.equal(returned?.returnReasonCode, 'R01');

    // Blank and 000000 effective dates mean "none"; the creation time may be blank.
    assert.deepEqual(result.batchHeaders.map((b) => b.effectiveEntryDate), ['2024-03-02', null, '2024-03-02', null]);
    assert.equal(result.fileHeader?.fileCreationTime, '');
  });

  test('includeAccountNumber exposes full account numbers and NOC corrected data', () => {
    const result = parseNacha(readFixture('non-monetary.ach'), { includeAccountNumber: true });
    assert.equal(result.entries[0]?.dfiAccountNumber, '111222333');
    const addenda98 = result.entries[4]?.addenda[0];
    assert.equal(addenda98?.type === '98' ? addenda98.correctedData : undefined, '1918171614');
    const strict = parseNacha(readFixture('non-monetary.ach'));
    assert.equal('dfiAccountNumber' in (strict.entries[0] ?? {}), false);
  });
});
