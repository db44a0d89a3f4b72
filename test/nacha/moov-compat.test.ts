// NACHA as moov-io/ach reads it (issue 11): files moov-io reads in its default configuration import, with
// warnings where they deviate from the NACHA rules; files it rejects are rejected. One test per class of
// file the issue names, built from the shared corpus or the test writer and changed in one place.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNacha, parseNachaStream, type NachaOptions, type NachaWarning } from '../../src/formats/nacha/index.js';
import { canonical, listAch, readAch, requireTestdata } from './testdata.js';
import { simpleFile, writeRecords, type WriterEntry } from './writer.js';

const where = (issues: readonly { line: number; record: string; field: string; code: string }[]): string[] =>
  issues.map((e) => `${e.line}:${e.record}:${e.field}:${e.code}`);

function parse(lines: string[], options: NachaOptions = {}) {
  return parseNacha(lines.join('\n'), options);
}

function put(line: string, position: number, value: string): string {
  return line.slice(0, position - 1) + value + line.slice(position - 1 + value.length);
}

function corpusLines(name: string): string[] {
  return readAch('valid', name).toString('latin1').split('\n').filter((line) => line.length > 0);
}

/** Index (0-based) of the first line starting with `prefix`. */
function indexOf(lines: string[], prefix: string, from = 0): number {
  const i = lines.findIndex((line, n) => n >= from && line.startsWith(prefix));
  assert.ok(i >= 0, `no line starting with ${prefix}`);
  return i;
}

describe('NACHA as moov-io/ach reads it', () => {
  test('IAT: a debit in a credits-only (220) batch imports with a warning; strict rejects it', (t) => {
    if (!requireTestdata(t)) return;
    const lines = corpusLines('iat-mixedCreditDebit.ach');
    const header = indexOf(lines, '5');
    const control = indexOf(lines, '8');
    assert.equal(lines[header]!.slice(1, 4), '200');
    const debit = lines.findIndex((line) => line.startsWith('627'));
    assert.ok(debit > 0, 'the file holds a debit (27)');
    const changed = lines.map((line, i) => (i === header || i === control ? put(line, 2, '220') : line));

    const result = parse(changed);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
    assert.deepEqual(where(result.warnings), [`${debit + 1}:entry_detail:transaction_code:service_class_mismatch`]);
    assert.equal(result.warningCount, 1);
    // The debit still counts as a debit, so the totals are those of the unchanged file.
    assert.equal(canonical(result.totals), canonical(parse(lines).totals));

    const strict = parse(changed, { strict: true });
    assert.equal(strict.ok, false);
    assert.deepEqual(where(strict.errors), [`${debit + 1}:entry_detail:transaction_code:service_class_mismatch`]);
    assert.deepEqual(strict.warnings, []);
    assert.match(strict.errors[0]!.message, /debit in a credits-only batch/);
  });

  test('IAT: the batch control company identification is not compared with the originator identification', (t) => {
    if (!requireTestdata(t)) return;
    const lines = corpusLines('iat-credit.ach');
    const control = indexOf(lines, '8');
    const changed = lines.map((line, i) => (i === control ? put(line, 45, 'OTHERID123') : line));
    assert.deepEqual(parse(changed, { strict: true }).errors, []);
  });

  test('every valid corpus file imports with its trailing blanks stripped (short_record warnings), and reads the same', (t) => {
    if (!requireTestdata(t)) return;
    let stripped = 0;
    for (const name of listAch('valid')) {
      const lines = corpusLines(name);
      const trimmed = lines.map((line) => line.trimEnd());
      const result = parse(trimmed);
      assert.deepEqual(result.errors, [], name);
      assert.equal(canonical(result.entries), canonical(parse(lines).entries), name);
      const short = trimmed.flatMap((line, i) => (line.length > 0 && line.length < 94 && !/^9+$/.test(line) ? [i + 1] : []));
      assert.deepEqual(result.warnings.filter((w) => w.code === 'short_record').map((w) => w.line), short.slice(0, 100), name);
      if (short.length > 0) assert.equal(parse(trimmed, { strict: true }).ok, false, `${name} under strict`);
      stripped += short.length;
    }
    assert.ok(stripped > 50, `records actually shortened: ${stripped}`);
  });

  test('every valid corpus file imports when it ends in empty lines, without a warning, even under strict', (t) => {
    if (!requireTestdata(t)) return;
    for (const name of listAch('valid')) {
      const text = readAch('valid', name).toString('latin1');
      for (const tail of ['\n', '\n\n', '\r\n\r\n']) {
        // cie-credit.ach has a stripped file control: its one warning is not the empty lines'.
        const strict = name !== 'cie-credit.ach';
        const result = parseNacha(text.replace(/\n*$/, '') + '\n' + tail, { strict });
        assert.deepEqual(result.errors, [], `${name} + ${JSON.stringify(tail)}`);
        assert.deepEqual(result.warnings, parseNacha(text, { strict }).warnings, name);
      }
    }
  });

  test('IAT addenda 17/18 numbered otherwise than 1, 2, ... per type import with a warning; numbers that go down are rejected', (t) => {
    if (!requireTestdata(t)) return;
    const lines = corpusLines('iat-credit.ach');
    const a17 = indexOf(lines, '717');
    const a18 = indexOf(lines, '718');
    assert.equal(lines[a17]!.slice(83, 87), '0001');
    assert.equal(lines[a18]!.slice(83, 87), '0001');
    assert.deepEqual(parse(lines).warnings, []);

    // Numbered across both types (17 is 1, 18 is 2), as some generators do.
    const across = lines.map((line, i) => (i === a18 ? put(line, 84, '0002') : line));
    const read = parse(across);
    assert.deepEqual(read.errors, []);
    assert.deepEqual(where(read.warnings), [`${a18 + 1}:addenda_18:addenda_sequence_number:addenda_sequence_gap`]);
    assert.equal(canonical(read.totals), canonical(parse(lines).totals));
    assert.equal(read.entries[0]?.paymentRelatedInformation, 'This is an international payment');
    assert.deepEqual(where(parse(across, { strict: true }).errors), [`${a18 + 1}:addenda_18:addenda_sequence_number:addenda_sequence_gap`]);

    // Two 17s both numbered 1 (the count still matches once the controls say so): a warning.
    const second17 = put(lines[a17]!, 4, 'SECOND LINE OF REMITTANCE'.padEnd(80, ' '));
    const twice = withExtraAddenda(lines, a17 + 1, second17);
    const twiceRead = parse(twice);
    assert.deepEqual(twiceRead.errors, []);
    assert.deepEqual(where(twiceRead.warnings), [`${a17 + 2}:addenda_17:addenda_sequence_number:addenda_sequence_gap`]);

    // Numbered 2 then 1: moov-io rejects a sequence that goes down, and so does Sluice.
    const down = twice.map((line, i) => (i === a17 ? put(line, 84, '0002') : line));
    const downRead = parse(down);
    assert.equal(downRead.ok, false);
    assert.deepEqual(where(downRead.errors), [`${a17 + 2}:addenda_17:addenda_sequence_number:addenda_sequence`]);

    // A third 17 is more than NACHA allows.
    const third = withExtraAddenda(withExtraAddenda(lines, a17 + 1, put(second17, 84, '0002')), a17 + 2, put(second17, 84, '0003'));
    assert.deepEqual(where(parse(third).errors), [`${a17 + 3}:addenda_17:addenda_type_code:too_many_addenda`]);
  });

  test('a notification of change with a non-zero amount imports with a warning and creates no record', () => {
    const noc = `798C01121042880000001${' '.repeat(6)}12104288${'NEWACCT123'.padEnd(29)}${' '.repeat(15)}121042880000001`;
    const entry: WriterEntry = { transactionCode: 21, rdfi: '12104288', account: '12345678', amount: 1500, individualId: 'ID1', individualName: 'ALICE', rawAddenda: [noc] };
    const lines = writeRecords(simpleFile([entry], { secCode: 'COR', serviceClassCode: 220 })).records;
    const result = parse(lines);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(where(result.warnings), ['3:entry_detail:amount:amount_on_notification_of_change']);
    assert.equal(result.entries[0]?.isNotificationOfChange, true);
    assert.equal(result.entries[0]?.isMonetary, false);
    assert.equal(result.monetary.entryCount, 0);
    assert.deepEqual(result.excluded, { notificationOfChange: 1, prenote: 0, zeroAmount: 0, total: 1 });
    // The controls count the amount as written.
    assert.equal(result.totals.creditAmount, 1500n);
    assert.deepEqual(where(parse(lines, { strict: true }).errors), ['3:entry_detail:amount:amount_on_notification_of_change']);
  });

  test('an addenda 99 with a return reason code NACHA does not define is rejected, located', (t) => {
    if (!requireTestdata(t)) return;
    const lines = corpusLines('contested-return.ach');
    const first = indexOf(lines, '799');
    assert.deepEqual(parse(lines).errors, []);
    for (const code of ['R00', 'R48', 'R63', 'R78', 'R86', 'R99']) {
      const result = parse(lines.map((line, i) => (i === first ? put(line, 4, code) : line)));
      assert.equal(result.ok, false, code);
      assert.deepEqual(where(result.errors), [`${first + 1}:addenda_99:return_reason_code:unknown_return_reason_code`], code);
      assert.match(result.errors[0]!.message, new RegExp(`${code} \\(positions 4-6\\) is not a NACHA return reason code`));
    }
    for (const code of ['R01', 'R47', 'R53', 'R85']) assert.deepEqual(parse(lines.map((line, i) => (i === first ? put(line, 4, code) : line))).errors, [], code);
  });

  test('an addenda 98 with a change code NACHA does not define is rejected, located; C01-C14 and C61-C69 are read', (t) => {
    if (!requireTestdata(t)) return;
    const lines = corpusLines('cor-read.ach');
    const noc = indexOf(lines, '798');
    assert.deepEqual(parse(lines).errors, []);
    for (const code of ['C00', 'C15', 'C60', 'C70', 'C99']) {
      const result = parse(lines.map((line, i) => (i === noc ? put(line, 4, code) : line)));
      assert.equal(result.ok, false, code);
      assert.deepEqual(where(result.errors), [`${noc + 1}:addenda_98:change_code:unknown_change_code`], code);
    }
    for (const code of ['C02', 'C08', 'C13', 'C14', 'C61', 'C69']) {
      assert.deepEqual(parse(lines.map((line, i) => (i === noc ? put(line, 4, code) : line))).errors, [], code);
    }
    // A notification of change must say what the correct value is.
    const blank = parse(lines.map((line, i) => (i === noc ? put(line, 36, ' '.repeat(29)) : line)));
    assert.deepEqual(where(blank.errors), [`${noc + 1}:addenda_98:corrected_data:required_field`]);
  });

  test('warnings are bounded: the first maxWarnings, and a count of all', () => {
    const entries: WriterEntry[] = Array.from({ length: 150 }, (_, i) => ({ transactionCode: 27, rdfi: '12104288', account: `ACCT${i}`, amount: 100 + i, individualId: `ID${i}`, individualName: 'BOB' }));
    const lines = writeRecords(simpleFile(entries, { serviceClassCode: 220 })).records;
    const result = parse(lines);
    assert.equal(result.ok, true);
    assert.equal(result.warningCount, 150);
    assert.equal(result.warnings.length, 100);
    assert.equal(result.warnings[0]?.line, 3);
    assert.equal(parse(lines, { maxWarnings: 5 }).warnings.length, 5);
  });

  test('parseNachaStream hands out every warning as an event, in input order, before the end', async () => {
    const entries: WriterEntry[] = Array.from({ length: 120 }, (_, i) => ({ transactionCode: 27, rdfi: '12104288', account: `ACCT${i}`, amount: 100 + i, individualId: `ID${i}`, individualName: 'BOB' }));
    const text = writeRecords(simpleFile(entries, { serviceClassCode: 220 })).records.join('\n');
    const streamed: NachaWarning[] = [];
    let ended = false;
    const pieces = Array.from({ length: Math.ceil(text.length / 777) }, (_, i) => text.slice(i * 777, (i + 1) * 777));
    for await (const events of parseNachaStream(pieces)) {
      for (const event of events) {
        if (event.type === 'warning') {
          assert.equal(ended, false);
          streamed.push(event.warning);
        } else if (event.type === 'end') {
          ended = true;
          assert.equal(event.result.warningCount, 120);
          assert.deepEqual(event.result.warnings, streamed.slice(0, 100));
        }
      }
    }
    assert.equal(streamed.length, 120);
    assert.deepEqual(streamed.map((w) => w.line), Array.from({ length: 120 }, (_, i) => i + 3));
  });
});

describe('NACHA rules of each SEC code, on moov-io/ach corpus files broken in one place', () => {
  // Each valid file, changed in the one field a rule of its SEC code looks at, is rejected with that
  // rule's located error and nothing else (test/nacha/sec-rules.test.ts covers every rule).
  const cases: { file: string; change: (lines: string[]) => string[]; errors: (lines: string[]) => string[] }[] = [
    {
      file: 'rck-debit.ach',
      change: (lines) => lines.map((line) => (line.startsWith('5') ? put(line, 54, 'CHECKS    ') : line)),
      errors: (lines) => [`${indexOf(lines, '5') + 1}:batch_header:company_entry_description:invalid_value`],
    },
    {
      file: 'arc-debit.ach',
      change: (lines) => lines.map((line) => (line.startsWith('6') ? put(line, 40, ' '.repeat(15)) : line)),
      errors: (lines) => [`${indexOf(lines, '6') + 1}:entry_detail:individual_identification_number:required_field`],
    },
    {
      file: 'pos-debit.ach',
      change: (lines) => lines.map((line) => (line.startsWith('6') ? put(line, 77, '07') : line)),
      errors: (lines) => [`${indexOf(lines, '6') + 1}:entry_detail:discretionary_data:invalid_value`],
    },
    {
      file: 'mte-read.ach',
      change: (lines) => lines.map((line) => (line.startsWith('702') ? put(line, 78, 'ON') : line)),
      errors: (lines) => [`${indexOf(lines, '702') + 1}:addenda_02:terminal_state:invalid_value`],
    },
    {
      file: 'cie-credit.ach',
      change: (lines) => lines.map((line) => (line.startsWith('5') || line.startsWith('8') ? put(line, 2, '225') : line)),
      errors: (lines) => [`${indexOf(lines, '5') + 1}:batch_header:service_class_code:invalid_service_class`],
    },
  ];
  for (const { file, change, errors } of cases) {
    test(`${file}: valid as moov-io/ach wrote it, rejected when one field breaks its SEC code's rule`, (t) => {
      if (!requireTestdata(t)) return;
      const lines = corpusLines(file);
      assert.deepEqual(parse(lines).errors, [], 'the corpus file imports');
      const result = parse(change(lines));
      assert.equal(result.ok, false);
      assert.deepEqual(where(result.errors), errors(lines));
    });
  }
});

/**
 * Inserts an IAT addenda after line `at` and fixes the counts it changes (batch and file entry/addenda
 * counts, block count), so the file stays balanced.
 */
function withExtraAddenda(lines: string[], at: number, addenda: string): string[] {
  const out = [...lines.slice(0, at), addenda, ...lines.slice(at)];
  return out.map((line) => {
    if (line.startsWith('8')) return put(line, 5, String(Number(line.slice(4, 10)) + 1).padStart(6, '0'));
    if (line.startsWith('9') && !/^9+$/.test(line)) {
      const records = out.filter((l) => !/^9+$/.test(l)).length;
      return put(put(line, 8, String(Math.ceil(records / 10)).padStart(6, '0')), 14, String(Number(line.slice(13, 21)) + 1).padStart(8, '0'));
    }
    return line;
  });
}
