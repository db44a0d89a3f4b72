import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createGunzip } from 'node:zlib';
import { NachaParser, parseNacha, parseNachaStream, SEC_CODES, type NachaEntry, type NachaResult } from '../../src/formats/nacha/index.js';
import { canonical, chunks, listAch, nachaDir, readAch, requireTestdata } from './testdata.js';

function sumByDirection(entries: readonly NachaEntry[]): { debit: bigint; credit: bigint; debits: number; credits: number } {
  let debit = 0n;
  let credit = 0n;
  let debits = 0;
  let credits = 0;
  for (const entry of entries) {
    if (entry.direction === 'debit') {
      debit += BigInt(entry.amount);
      debits++;
    } else {
      credit += BigInt(entry.amount);
      credits++;
    }
  }
  return { debit, credit, debits, credits };
}

describe('NACHA corpus: every valid file', () => {
  test('the corpus is present', (t) => {
    if (!requireTestdata(t)) return;
    assert.ok(listAch('valid').length >= 54, `expected at least 54 valid files in ${nachaDir}/valid`);
  });

  for (const name of listAch('valid')) {
    test(name, () => {
      const data = readAch('valid', name);
      const result = parseNacha(data);
      assert.deepEqual(result.errors, [], `${name} should parse without errors`);
      assert.equal(result.ok, true);
      const control = result.fileControl;
      assert.ok(control, 'file control parsed');

      // The entries reproduce the file control exactly.
      const sums = sumByDirection(result.entries);
      assert.equal(sums.debit, control.totalDebitAmount, 'debit total');
      assert.equal(sums.credit, control.totalCreditAmount, 'credit total');
      const addenda = result.entries.reduce((n, entry) => n + entry.addenda.length, 0);
      assert.equal(result.entries.length + addenda, control.entryAddendaCount, 'entry + addenda count');
      assert.equal(result.batches.length, control.batchCount, 'batch count');
      assert.equal(result.totals.debitCount, sums.debits);
      assert.equal(result.totals.creditCount, sums.credits);

      // ... and each batch its batch control.
      for (const batch of result.batches) {
        assert.ok(batch.control);
        const own = sumByDirection(result.entries.filter((entry) => entry.batch === batch.header));
        assert.equal(own.debit, batch.control.totalDebitAmount);
        assert.equal(own.credit, batch.control.totalCreditAmount);
      }

      // Monetary + excluded = all entries.
      assert.equal(result.monetary.entryCount + result.excluded.total, result.entries.length);

      // Amounts are integer cents.
      for (const entry of result.entries) assert.ok(Number.isSafeInteger(entry.amount) && entry.amount >= 0);

      // Any chunking reads the same.
      const whole = canonical(result);
      for (const sizes of [[1], [7, 94, 3], [95], [2, 189]]) {
        const entries: NachaEntry[] = [];
        const parser = new NachaParser({}, { entry: (entry) => entries.push(entry) });
        for (const piece of chunks(data, sizes)) parser.push(piece);
        const chunked = parser.end();
        assert.equal(canonical({ ...chunked, entries }), canonical({ ...pick(result), entries: result.entries }), `chunks ${sizes.join(',')}`);
      }
      assert.equal(whole, canonical(parseNacha(data)), 'deterministic');

      // CRLF line ends read the same entries.
      const crlf = parseNacha(data.toString('latin1').replace(/\n/g, '\r\n'));
      assert.deepEqual(crlf.errors, []);
      assert.equal(canonical(crlf.entries), canonical(result.entries));
    });
  }

  test('every SEC code of the spec is covered by the corpus and parses', (t) => {
    if (!requireTestdata(t)) return;
    const seen = new Set<string>();
    for (const name of listAch('valid')) {
      for (const header of parseNacha(readAch('valid', name)).batchHeaders) seen.add(header.secCode);
    }
    assert.deepEqual([...seen].sort(), [...SEC_CODES].sort());
  });

  test('cie-credit.ach: a file control stripped of its trailing blanks (55 characters) is read padded, with a warning', (t) => {
    if (!requireTestdata(t)) return;
    const data = readAch('valid', 'cie-credit.ach');
    const line6 = data.toString('latin1').split('\n')[5] ?? '';
    assert.equal(line6.length, 55);
    const result = parseNacha(data);
    assert.equal(result.ok, true);
    assert.equal(result.fileControl?.line, 6);
    assert.equal(result.fileControl?.totalCreditAmount, 100000000n);
    assert.deepEqual(result.warnings.map((w) => `${w.line}:${w.code}`), ['6:short_record']);
    assert.deepEqual(parseNacha(data, { strict: true }).errors.map((e) => `${e.line}:${e.code}`), ['6:short_record']);
  });

  test('no other valid file has a warning: they follow the NACHA rules to the letter', (t) => {
    if (!requireTestdata(t)) return;
    for (const name of listAch('valid')) {
      if (name === 'cie-credit.ach') continue;
      assert.deepEqual(parseNacha(readAch('valid', name), { strict: true }).errors, [], name);
    }
  });

  test('ADV files use the ADV layouts (12-digit amounts, 20-digit control totals)', (t) => {
    if (!requireTestdata(t)) return;
    const result = parseNacha(readAch('valid', 'adv-read.ach'));
    assert.equal(result.ok, true);
    assert.equal(result.isAdv, true);
    assert.deepEqual(result.entries.map((e) => [e.transactionCode, e.direction, e.amount, e.traceNumber]), [
      [81, 'credit', 50000, '011000010500001'],
      [82, 'debit', 250000, '011000010500002'],
    ]);
    assert.equal(result.batches[0]?.control?.totalDebitAmount, 250000n);
  });

  test('returns, dishonored and contested returns carry their reason codes', (t) => {
    if (!requireTestdata(t)) return;
    const contested = parseNacha(readAch('valid', 'contested-return.ach'));
    const entry = contested.entries[0];
    assert.ok(entry);
    assert.equal(entry.isReturn, true);
    assert.equal(entry.returnReasonCode, 'R07');
    assert.deepEqual(entry.addenda.map((a) => (a.type === '99' ? a.kind : a.type)), ['return', 'dishonored_return', 'contested_dishonored_return']);
    const dishonored = parseNacha(readAch('valid', 'dishonored-return.ach'));
    assert.deepEqual(dishonored.entries.map((e) => e.returnReasonCode), ['R68', 'R68']);
  });

  test('notifications of change and zero-dollar entries are flagged non-monetary', (t) => {
    if (!requireTestdata(t)) return;
    const cor = parseNacha(readAch('valid', 'cor-read.ach'));
    assert.equal(cor.entries[0]?.isNotificationOfChange, true);
    assert.equal(cor.entries[0]?.changeCode, 'C01');
    assert.equal(cor.entries[0]?.isMonetary, false);
    assert.deepEqual(cor.excluded, { notificationOfChange: 1, prenote: 0, zeroAmount: 0, total: 1 });
    const ack = parseNacha(readAch('valid', 'ack-read.ach'));
    assert.equal(ack.excluded.total, 2);
    assert.equal(ack.monetary.entryCount, 0);
  });

  test('IAT entries take the receiver from addenda 10 and 15', (t) => {
    if (!requireTestdata(t)) return;
    const result = parseNacha(readAch('valid', 'iat-credit.ach'));
    const entry = result.entries[0];
    assert.ok(entry);
    assert.equal(entry.individualName, 'BEK Enterprises');
    assert.equal(entry.individualIdentification, '987465493213987');
    assert.equal(entry.originatorName, 'BEK Solutions');
    assert.equal(entry.paymentRelatedInformation, 'This is an international payment');
    assert.equal(entry.addenda.length, 9);
  });
});

describe('NACHA corpus: large gzipped files, streamed', () => {
  const large = [
    { name: 'PPD-200-batches-100000-entries.ach.gz', addenda: false },
    { name: 'CCD-addenda05-200-batches-100000-entries.ach.gz', addenda: true },
  ];
  for (const { name, addenda } of large) {
    test(name, async (t) => {
      if (!requireTestdata(t)) return;
      const file = path.join(nachaDir, 'large', name);
      assert.ok(existsSync(file), `${file} missing`);
      let debit = 0n;
      let credit = 0n;
      let entries = 0;
      let addendaSeen = 0;
      let result: NachaResult | undefined;
      const started = performance.now();
      for await (const events of parseNachaStream(createReadStream(file).pipe(createGunzip()))) {
        for (const event of events) {
          if (event.type === 'entry') {
            entries++;
            addendaSeen += event.entry.addenda.length;
            if (event.entry.direction === 'debit') debit += BigInt(event.entry.amount);
            else credit += BigInt(event.entry.amount);
          } else if (event.type === 'end') {
            result = event.result;
          }
        }
      }
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(`${entries} entries in ${seconds.toFixed(2)} s (${Math.round(entries / seconds)} entries/s, gunzip included)`);
      assert.ok(result);
      assert.deepEqual(result.errors, []);
      assert.ok(result.fileControl);
      assert.ok(entries >= 100000);
      assert.equal(debit, result.fileControl.totalDebitAmount);
      assert.equal(credit, result.fileControl.totalCreditAmount);
      assert.equal(entries + addendaSeen, result.fileControl.entryAddendaCount);
      assert.equal(result.batchCount, 200);
      assert.equal(addendaSeen > 0, addenda);
    });
  }
});

/** The parts of a parseNacha result that NachaParser.end() also returns. */
function pick(result: ReturnType<typeof parseNacha>): NachaResult {
  const { batches: _batches, batchHeaders: _headers, entries: _entries, ...rest } = result;
  return rest;
}
