// Structure and field validation, one rule at a time, on files made by the test writer and then broken
// in one place.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNacha, type NachaOptions } from '../../src/formats/nacha/index.js';
import { simpleFile, writeNacha, writeRecords, type WriterEntry, type WriterFile } from './writer.js';

const E1: WriterEntry = { transactionCode: 22, rdfi: '23138010', account: '12345678', amount: 1000, individualId: 'ID1', individualName: 'ALICE' };
const E2: WriterEntry = { transactionCode: 27, rdfi: '12104288', account: '87654321', amount: 250, individualId: 'ID2', individualName: 'BOB', addenda05: ['NOTE'] };

/** Lines of a valid two-entry file, unpadded: 1 header, 2 batch header, 3 entry, 4 entry, 5 addenda, 6 batch control, 7 file control. */
function lines(file: WriterFile = simpleFile([E1, E2])): string[] {
  return writeRecords(file).records;
}

function errorsOf(input: string | string[], options: NachaOptions = {}): string[] {
  const text = Array.isArray(input) ? input.join('\n') : input;
  return parseNacha(text, options).errors.map((e) => `${e.line}:${e.record}:${e.field}:${e.code}`);
}

function warningsOf(input: string | string[], options: NachaOptions = {}): string[] {
  const text = Array.isArray(input) ? input.join('\n') : input;
  return parseNacha(text, options).warnings.map((e) => `${e.line}:${e.record}:${e.field}:${e.code}`);
}

function put(line: string, position: number, value: string): string {
  return line.slice(0, position - 1) + value + line.slice(position - 1 + value.length);
}

describe('NACHA structure', () => {
  test('a valid file has no errors', () => {
    assert.deepEqual(errorsOf(lines()), []);
    assert.deepEqual(errorsOf(writeNacha(simpleFile([E1, E2]), { lineEnding: '\r\n', finalNewline: true })), []);
  });

  test('empty input, blank input and garbage', () => {
    assert.deepEqual(errorsOf(''), ['1:file:record:empty_file']);
    assert.deepEqual(errorsOf('\n'), ['1:file:record:empty_file']);
    assert.deepEqual(errorsOf('   \n\n'), ['1:file:record:empty_file']);
    assert.deepEqual(errorsOf('hello'), [
      '1:line:record_type:unknown_record_type',
      '1:file_header:record_type:missing_file_header',
    ]);
  });

  test('a final line break and empty lines after the last record are fine; an empty line between records is a warning', () => {
    assert.deepEqual(errorsOf(lines().join('\n') + '\n'), []);
    for (const tail of ['\n\n', '\n\n\n', '\r\n\r\n', '\n' + ' '.repeat(94) + '\n', '\n   ']) {
      assert.deepEqual(errorsOf(lines().join('\n') + tail), [], JSON.stringify(tail));
      assert.deepEqual(warningsOf(lines().join('\n') + tail), [], JSON.stringify(tail));
      assert.deepEqual(errorsOf(lines().join('\n') + tail, { strict: true }), [], `strict ${JSON.stringify(tail)}`);
    }
    const l = lines();
    const gap = [...l.slice(0, 3), '', '', ...l.slice(3)];
    assert.deepEqual(errorsOf(gap), []);
    assert.deepEqual(warningsOf(gap), ['4:line:record:empty_line']);
    assert.deepEqual(parseNacha(gap.join('\n')).warnings[0]?.message, 'lines 4-5 are empty; skipped');
    assert.deepEqual(errorsOf(gap, { strict: true }), ['4:line:record:empty_line']);
  });

  test('the file must start with a file header, and have only one', () => {
    const l = lines();
    assert.deepEqual(errorsOf(l.slice(1)), ['1:file_header:record_type:missing_file_header']);
    const twice = [l[0]!, ...l];
    assert.deepEqual(errorsOf(twice), ['2:file_header:record_type:duplicate_file_header']);
  });

  test('a batch must be closed before the next batch or the file control', () => {
    const l = lines();
    assert.deepEqual(errorsOf([...l.slice(0, 5), l[6]!]), ['6:batch_control:record_type:missing_batch_control', '6:file_control:block_count:file_control_mismatch'].slice(0, 1));
    const twoBatches = lines({ ...simpleFile([E1]), batches: [simpleFile([E1]).batches[0]!, { ...simpleFile([E2]).batches[0]!, serviceClassCode: 200 }] });
    const withoutFirstControl = twoBatches.filter((_, i) => i !== 3);
    assert.ok(errorsOf(withoutFirstControl).includes('4:batch_control:record_type:missing_batch_control'));
  });

  test('entries, addenda and batch controls outside a batch', () => {
    const l = lines();
    // The batch header (line 2) removed: entries float.
    const errors = errorsOf([l[0]!, ...l.slice(2)]);
    assert.equal(errors[0], '2:entry_detail:record_type:missing_batch_header');
    assert.equal(errors.filter((e) => e.endsWith('missing_batch_header')).length, 1, 'reported once per run of orphan entries');
    assert.equal(parseNacha([l[0]!, ...l.slice(2)].join('\n')).entries.length, 0, 'orphan entries are never emitted');
    // A batch control after the batch control.
    assert.ok(errorsOf([...l.slice(0, 6), l[5]!, l[6]!]).includes('7:batch_control:record_type:missing_batch_header'));
    // Addenda right after the batch header.
    assert.ok(errorsOf([l[0]!, l[1]!, l[4]!, ...l.slice(2)]).includes('3:addenda_05:record_type:addenda_without_entry'));
  });

  test('only padding may follow the file control', () => {
    const l = lines();
    assert.deepEqual(errorsOf([...l, '9'.repeat(94), '9'.repeat(94)]), []);
    assert.deepEqual(errorsOf([...l, l[2]!]), ['8:line:record_type:record_after_file_control']);
    assert.deepEqual(errorsOf([...l, l[0]!]), ['8:line:record_type:record_after_file_control']);
  });

  test('padding before the file control means the file control is missing', () => {
    const l = lines();
    assert.deepEqual(errorsOf([...l.slice(0, 6), '9'.repeat(94)]), ['7:file_control:record_type:missing_file_control']);
    assert.deepEqual(errorsOf([...l.slice(0, 6), '9'.repeat(94)], { allowMissingFileControl: true }), []);
  });

  test('a batch without entries', () => {
    const l = lines();
    const control = put(l[5]!, 5, '000000');
    const errors = errorsOf([l[0]!, l[1]!, put(put(control, 11, '0000000000'), 21, '000000000000000000000000'), put(put(put(l[6]!, 14, '00000000'), 22, '0000000000'), 32, '000000000000000000000000')]);
    assert.deepEqual(errors, ['2:batch_header:record:empty_batch']);
  });

  test('unknown record types', () => {
    const l = lines();
    assert.deepEqual(errorsOf([...l.slice(0, 2), '4' + l[2]!.slice(1), ...l.slice(3)]).slice(0, 1), ['3:line:record_type:unknown_record_type']);
  });

  test('record length: short records are read padded (a warning), long ones are errors', () => {
    const l = lines();
    const stripped = l.map((line) => line.trimEnd());
    assert.ok(stripped.some((line) => line.length < 94));
    assert.deepEqual(errorsOf(stripped), []);
    assert.deepEqual(
      warningsOf(stripped),
      stripped.flatMap((line, i) => (line.length < 94 ? [`${i + 1}:line:record:short_record`] : [])),
    );
    assert.equal(JSON.stringify(parseNacha(stripped.join('\n')).totals, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)), JSON.stringify(parseNacha(l.join('\n')).totals, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.deepEqual(errorsOf(stripped, { strict: true }).slice(0, 1), [`${stripped.findIndex((line) => line.length < 94) + 1}:line:record:short_record`]);
    assert.deepEqual(errorsOf(stripped, { strict: true, allowShortLines: true }), []);
    // A record cut into its data fails the fields it lost: the file control without its credit total.
    assert.ok(errorsOf([...l.slice(0, 6), l[6]!.slice(0, 54)]).includes('7:file_control:total_credit_entry_dollar_amount:invalid_numeric'));
    assert.deepEqual(errorsOf([...l.slice(0, 2), l[2]! + ' x', ...l.slice(3)]).slice(0, 1), ['3:line:record:record_length']);
  });

  test('invalid characters are reported with the field they are in', () => {
    const l = lines();
    assert.deepEqual(errorsOf([...l.slice(0, 2), put(l[2]!, 60, '\u0007'), ...l.slice(3)]), ['3:entry_detail:individual_name:invalid_character']);
    assert.deepEqual(errorsOf([...l.slice(0, 2), put(l[2]!, 20, 'é'), ...l.slice(3)]), ['3:entry_detail:dfi_account_number:invalid_character']);
    // A lone CR inside a record of an LF file.
    assert.deepEqual(errorsOf([...l.slice(0, 2), put(l[2]!, 70, '\r'), ...l.slice(3)]), ['3:entry_detail:individual_name:invalid_character']);
    // And in a file without line breaks, where CR/LF cannot be framing inside a record.
    const unsplit = [...l.slice(0, 2), put(l[2]!, 70, '\n'), ...l.slice(3)].join('');
    assert.deepEqual(errorsOf(unsplit), ['3:entry_detail:individual_name:invalid_character']);
  });

  test('file header fields', () => {
    const l = lines();
    const check = (line: string): string[] => errorsOf([line, ...l.slice(1)]);
    assert.deepEqual(check(put(l[0]!, 5, '231380105')), ['1:file_header:immediate_destination:invalid_check_digit']);
    assert.deepEqual(check(put(l[0]!, 14, ' 12104288X')), ['1:file_header:immediate_origin:invalid_numeric']);
    assert.deepEqual(check(put(l[0]!, 14, '0000000000')), ['1:file_header:immediate_origin:invalid_value']);
    assert.deepEqual(check(put(l[0]!, 24, '240231')), ['1:file_header:file_creation_date:invalid_date']);
    assert.deepEqual(check(put(l[0]!, 30, '2460')), ['1:file_header:file_creation_time:invalid_time']);
    assert.deepEqual(check(put(l[0]!, 34, 'a')), ['1:file_header:file_id_modifier:invalid_value']);
    assert.deepEqual(check(put(l[0]!, 35, '095')), ['1:file_header:record_size:invalid_value']);
    assert.deepEqual(check(put(l[0]!, 14, '1234567890')), [], 'a ten-digit company number is a valid origin');
    assert.deepEqual(errorsOf([put(l[0]!, 5, '231380105'), ...l.slice(1)], { skipCheckDigit: true }), []);
  });

  test('batch header fields', () => {
    const l = lines();
    const check = (line: string): string[] => errorsOf([l[0]!, line, ...l.slice(2)]);
    assert.ok(check(put(l[1]!, 2, '210')).includes('2:batch_header:service_class_code:invalid_service_class'));
    assert.deepEqual(check(put(l[1]!, 51, 'XYZ')), ['2:batch_header:standard_entry_class_code:invalid_sec_code']);
    assert.deepEqual(check(put(l[1]!, 70, '241301')), ['2:batch_header:effective_entry_date:invalid_date']);
    assert.deepEqual(check(put(l[1]!, 79, '7')), ['2:batch_header:originator_status_code:invalid_value']);
    assert.deepEqual(check(put(l[1]!, 41, '          ')).slice(0, 1), ['2:batch_header:company_identification:required_field']);
  });

  test('entry detail fields', () => {
    const l = lines();
    const check = (line: string, options: NachaOptions = {}): string[] => errorsOf([...l.slice(0, 2), line, ...l.slice(3)], options);
    assert.deepEqual(check(put(l[2]!, 2, '20')), ['3:entry_detail:transaction_code:invalid_transaction_code']);
    // An unknown code still counts on the side its last digit suggests (9: debit), so the controls
    // written for the credit it replaced disagree too.
    assert.deepEqual(check(put(l[2]!, 2, '99')).slice(0, 1), ['3:entry_detail:transaction_code:invalid_transaction_code']);
    assert.deepEqual(check(put(l[2]!, 30, '00000010x0')).slice(0, 1), ['3:entry_detail:amount:invalid_numeric']);
    assert.deepEqual(check(put(l[2]!, 13, ' '.repeat(17))), ['3:entry_detail:dfi_account_number:required_field']);
    assert.deepEqual(check(put(l[2]!, 79, '2')), ['3:entry_detail:addenda_record_indicator:invalid_value']);
    assert.deepEqual(check(put(l[2]!, 80, '12104288000000A')), ['3:entry_detail:trace_number:invalid_numeric']);
    assert.deepEqual(check(put(l[2]!, 4, '2313801X')).slice(0, 1), ['3:entry_detail:rdfi_identification:invalid_numeric']);
  });

  test('prenotes and zero-dollar codes carry no amount', () => {
    const file = simpleFile([{ ...E1, transactionCode: 23, amount: 5 }]);
    assert.ok(errorsOf(lines(file)).includes('3:entry_detail:amount:amount_must_be_zero'));
    assert.deepEqual(errorsOf(lines(simpleFile([{ ...E1, transactionCode: 23, amount: 0 }]))), []);
  });

  test('service class and transaction code should agree: a warning, an error under strict', () => {
    const credits = lines(simpleFile([E1, E2], { serviceClassCode: 220 }));
    assert.deepEqual(errorsOf(credits), []);
    assert.deepEqual(warningsOf(credits), ['4:entry_detail:transaction_code:service_class_mismatch']);
    assert.deepEqual(errorsOf(credits, { strict: true }), ['4:entry_detail:transaction_code:service_class_mismatch']);
    assert.deepEqual(warningsOf(credits, { strict: true }), []);
    const debits = lines(simpleFile([E1, E2], { serviceClassCode: 225 }));
    assert.deepEqual(warningsOf(debits), ['3:entry_detail:transaction_code:service_class_mismatch']);
    // The transaction code decides the side: the totals stay those of the entries.
    const result = parseNacha(credits.join('\n'));
    assert.equal(result.totals.debitAmount, 250n);
    assert.equal(result.totals.creditAmount, 1000n);
  });

  test('addenda indicator, addenda types and sequence numbers', () => {
    const l = lines();
    // Indicator 0 on the entry that has an addenda.
    assert.deepEqual(errorsOf([...l.slice(0, 3), put(l[3]!, 79, '0'), ...l.slice(4)]), ['4:entry_detail:addenda_record_indicator:addenda_indicator_mismatch']);
    // Indicator 1 on an entry without: nothing is lost, a warning.
    const noAddenda = [...l.slice(0, 2), put(l[2]!, 79, '1'), ...l.slice(3)];
    assert.deepEqual(errorsOf(noAddenda), []);
    assert.deepEqual(warningsOf(noAddenda), ['3:entry_detail:addenda_record_indicator:addenda_indicator_without_addenda']);
    // Addenda 02 in a PPD batch.
    assert.deepEqual(errorsOf([...l.slice(0, 4), put(l[4]!, 2, '02'), ...l.slice(5)]).slice(0, 1), ['5:addenda_02:addenda_type_code:addenda_type_not_allowed']);
    // An unknown addenda type.
    assert.deepEqual(errorsOf([...l.slice(0, 4), put(l[4]!, 2, '42'), ...l.slice(5)]), ['5:addenda:addenda_type_code:addenda_type_not_allowed']);
    // Addenda sequence 2 for the first addenda: numbered differently, a warning; entry detail sequence not the entry's: an error.
    const numbered = [...l.slice(0, 4), put(l[4]!, 84, '0002'), ...l.slice(5)];
    assert.deepEqual(errorsOf(numbered), []);
    assert.deepEqual(warningsOf(numbered), ['5:addenda_05:addenda_sequence_number:addenda_sequence_gap']);
    assert.deepEqual(errorsOf(numbered, { strict: true }), ['5:addenda_05:addenda_sequence_number:addenda_sequence_gap']);
    assert.deepEqual(errorsOf([...l.slice(0, 4), put(l[4]!, 88, '0000009'), ...l.slice(5)]), ['5:addenda_05:entry_detail_sequence_number:addenda_sequence']);
  });

  test('CTX entries state their addenda count', () => {
    const ctx = simpleFile([{ ...E2, individualId: 'X', individualName: 'CO', addenda05: ['A', 'B'] }], { secCode: 'CTX' });
    const l = lines(ctx);
    // The writer puts the name at 55-76; CTX reads 55-58 as the count and 59-74 as the name.
    const entry = put(put(l[2]!, 55, '0002'), 59, 'RECEIVER CO     ');
    assert.deepEqual(errorsOf([...l.slice(0, 2), entry, ...l.slice(3)]), []);
    assert.equal(parseNacha([...l.slice(0, 2), entry, ...l.slice(3)].join('\n')).entries[0]?.individualName, 'RECEIVER CO');
    assert.deepEqual(errorsOf([...l.slice(0, 2), put(entry, 55, '0003'), ...l.slice(3)]), ['3:entry_detail:number_of_addenda_records:addenda_count_mismatch']);
  });

  test('batch control must match its header and entries', () => {
    const l = lines();
    const check = (line: string): string[] => errorsOf([...l.slice(0, 5), line, l[6]!]);
    assert.deepEqual(check(put(l[5]!, 2, '220')), ['6:batch_control:service_class_code:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 45, '9999999999')), ['6:batch_control:company_identification:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 80, '99999999')), ['6:batch_control:odfi_identification:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 88, '0000002')), ['6:batch_control:batch_number:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 5, '000004')), ['6:batch_control:entry_addenda_count:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 11, '0000000001')), ['6:batch_control:entry_hash:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 33, '000000001001')), ['6:batch_control:total_credit_entry_dollar_amount:batch_control_mismatch']);
    assert.deepEqual(check(put(l[5]!, 21, '00000000000A')), ['6:batch_control:total_debit_entry_dollar_amount:invalid_numeric']);
  });

  test('file control must match the file', () => {
    const l = lines();
    const check = (line: string): string[] => errorsOf([...l.slice(0, 6), line]);
    assert.deepEqual(check(put(l[6]!, 2, '000002')), ['7:file_control:batch_count:file_control_mismatch']);
    assert.deepEqual(check(put(l[6]!, 8, '000002')), ['7:file_control:block_count:file_control_mismatch']);
    assert.deepEqual(check(put(l[6]!, 14, '00000004')), ['7:file_control:entry_addenda_count:file_control_mismatch']);
    assert.deepEqual(check(put(l[6]!, 22, '0000000001')), ['7:file_control:entry_hash:file_control_mismatch']);
    assert.deepEqual(check(put(l[6]!, 44, '000000001001')), ['7:file_control:total_credit_entry_dollar_amount:file_control_mismatch']);
  });

  test('batch numbers ascend', () => {
    const file = simpleFile([E1]);
    const two: WriterFile = { ...file, batches: [file.batches[0]!, { ...file.batches[0]! }] };
    const l = lines(two);
    // Batch 2's header and control renumbered to 1.
    const errors = errorsOf(l.map((line, i) => (i === 4 || i === 6 ? put(line, 88, '0000001') : line)));
    assert.deepEqual(errors, ['5:batch_header:batch_number:batch_number_not_ascending']);
  });

  test('ADV and other batches cannot share a file', () => {
    const ppd = simpleFile([E1]).batches[0]!;
    const adv = { ...ppd, secCode: 'ADV', serviceClassCode: 280 as const, entries: [{ ...E1, transactionCode: 81 }] };
    const errors = errorsOf(lines({ ...simpleFile([]), batches: [ppd, adv] }));
    assert.ok(errors.includes('5:batch_header:standard_entry_class_code:mixed_adv_batches'), errors.join(' '));
    // ADV codes only in ADV batches, and the other way round.
    assert.ok(errorsOf(lines(simpleFile([{ ...E1, transactionCode: 81 }]))).includes('3:entry_detail:transaction_code:invalid_transaction_code'));
    assert.ok(errorsOf(lines({ ...simpleFile([]), batches: [{ ...adv, entries: [E1] }] })).includes('3:entry_detail:transaction_code:invalid_transaction_code'));
  });

  test('ADV totals beyond 2^53 are summed exactly', () => {
    const amount = 999_999_999_999;
    // ADV sequence numbers have four digits: 9,999 entries per batch at most.
    const entries = Array.from({ length: 5_000 }, (_, i) => ({ ...E1, transactionCode: i % 2 === 0 ? 82 : 81, amount }));
    const batch = { ...simpleFile([]).batches[0]!, secCode: 'ADV', serviceClassCode: 280 as const, entries };
    const file: WriterFile = { ...simpleFile([]), batches: [batch, batch, batch, batch] };
    const result = parseNacha(writeNacha(file));
    assert.deepEqual(result.errors, []);
    const half = 10_000n * BigInt(amount);
    assert.ok(half > BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(result.totals.debitAmount, half);
    assert.equal(result.totals.creditAmount, half);
    assert.equal(result.fileControl?.totalDebitAmount, half);
  });

  test('IAT entries need their seven mandatory addenda', (t) => {
    // Built from the corpus' IAT layout: one entry, addenda 10-16 then 17.
    const header = '101 121042882 2313801041812180000A094101Bank                   My Bank Name                   ';
    const batch = '5220                FF3               US123456789 IATTRADEPAYMTCADUSD181219   1231380100000001';
    const entry = '6221210428820007             0000100000123456789                              1231380100000001';
    const addenda = [
      '710ANN000000000000100000928383-23938          BEK Enterprises                          0000001',
      '711BEK Solutions                      15 West Place Street                             0000001',
      '712JacobsTown*PA\\                     US*19305\\                                        0000001',
      '713Wells Fargo                        01231380104                         US           0000001',
      '714Citadel Bank                       01121042882                         CA           0000001',
      '7159874654932139872121 Front Street                                                    0000001',
      '716LetterTown*AB\\                     CA*80014\\                                        0000001',
    ];
    const build = (adds: string[]): string[] => {
      const count = String(1 + adds.length).padStart(6, '0');
      const control = `8220${count}0012104288000000000000000000100000${' '.repeat(35)}231380100000001`;
      const blocks = String(Math.ceil((adds.length + 5) / 10)).padStart(6, '0');
      const fileControl = `9000001${blocks}${String(1 + adds.length).padStart(8, '0')}0012104288000000000000000000100000${' '.repeat(39)}`;
      return [header, batch, entry, ...adds, control, fileControl];
    };
    assert.deepEqual(errorsOf(build(addenda)), []);
    assert.deepEqual(errorsOf(build(addenda.filter((_, i) => i !== 3))), ['3:entry_detail:addenda_record_indicator:missing_iat_addenda']);
    assert.match(parseNacha(build(addenda.filter((_, i) => i !== 3)).join('\n')).errors[0]!.message, /lacks mandatory addenda 13$/);
    assert.deepEqual(errorsOf(build(addenda.slice(0, 5))), ['3:entry_detail:addenda_record_indicator:missing_iat_addenda']);
    // All seven present but out of order: moov-io/ach files them by type, so a warning.
    const swapped = [addenda[1]!, addenda[0]!, ...addenda.slice(2)];
    assert.deepEqual(errorsOf(build(swapped)), []);
    assert.deepEqual(warningsOf(build(swapped)), ['4:addenda_11:addenda_type_code:iat_addenda_order']);
    t.diagnostic('IAT layouts read from the corpus file iat-credit.ach');
  });

  test('maxErrors stops the parser and says so', () => {
    const garbage = Array.from({ length: 50 }, () => 'X'.repeat(94)).join('\n');
    const result = parseNacha(garbage, { maxErrors: 5 });
    assert.equal(result.stoppedEarly, true);
    assert.equal(result.errorCount, 5);
    assert.equal(result.errors.length, 6);
    assert.equal(result.errors[5]?.code, 'too_many_errors');
  });

  test('a line longer than maxLineLength is skipped, whatever the chunking', () => {
    const l = lines();
    const long = 'A'.repeat(5000);
    const text = [...l.slice(0, 2), long, ...l.slice(2)].join('\n');
    const errors = errorsOf(text, { maxLineLength: 1000 });
    assert.equal(errors[0], '3:line:record:line_too_long');
    assert.equal(errors.filter((e) => e.includes('line_too_long')).length, 1);
  });
});
