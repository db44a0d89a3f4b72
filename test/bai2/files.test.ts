// The shared BAI2 corpus, read by the reader alone: every valid file reads with no error and its details
// reproduce its own trailers exactly (account, group and file control totals and record counts, as an
// independent reading of the trailers states them); every invalid file is refused with a located error.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBai2, type Bai2Event } from '../../src/formats/bai2/index.js';
import { declaredBai2 } from '../support/bai2-oracle.js';
import { chunks, listBai, readBai, requireTestdata } from './testdata.js';

describe('BAI2 shared corpus', () => {
  test('the corpus is there', (t) => {
    if (!requireTestdata(t)) return;
    assert.ok(listBai('valid').length >= 3);
    assert.ok(listBai('invalid').length >= 1);
  });

  for (const name of listBai('valid')) {
    test(`valid/${name} reads cleanly and reproduces its trailers`, () => {
      const bytes = readBai('valid', name);
      const { result, events } = parseBai2(bytes);
      assert.deepEqual(result.errors, []);
      assert.equal(result.ok, true);
      const declared = declaredBai2(bytes.toString('latin1'));
      // Per account: its 03 items plus its details add up to its own 49.
      assert.equal(result.accounts.length, declared.accounts.length);
      const details = events.filter((e): e is Extract<Bai2Event, { type: 'detail' }> => e.type === 'detail');
      result.accounts.forEach((account, i) => {
        const mine = details.filter((e) => e.group.number === account.groupNumber && e.account.number === account.accountNumber);
        assert.equal(mine.length, account.detailCount);
        const summaries = account.summaries.reduce((s, x) => s + BigInt(x.amount ?? 0), 0n);
        assert.equal(account.summaryTotal, summaries);
        const amounts = mine.reduce((s, e) => s + BigInt(e.detail.amount), 0n);
        assert.equal(summaries + amounts, declared.accounts[i]!.total, `account ${i + 1}`);
        assert.equal(account.controlTotal, declared.accounts[i]!.total);
        assert.equal(account.recordCount, declared.accounts[i]!.records);
      });
      assert.equal(result.groups.length, declared.groups.length);
      result.groups.forEach((g, i) => {
        assert.equal(g.accountCount, declared.groups[i]!.accounts);
        assert.equal(g.controlTotal, declared.groups[i]!.total);
      });
      assert.ok(declared.file);
      assert.equal(result.recordCount, declared.file.records);
      assert.equal(result.groupCount, declared.file.groups);
      assert.equal(result.accounts.reduce((s, a) => s + (a.controlTotal ?? 0n), 0n), declared.file.total);
      assert.equal(result.detailCount, result.creditCount + result.debitCount);
      // Read a byte at a time, it is the same.
      const { result: again } = parseBai2(Buffer.concat(chunks(bytes, [1])));
      assert.equal(again.detailCount, result.detailCount);
    });
  }

  for (const name of listBai('invalid')) {
    test(`invalid/${name} is refused with a located error`, () => {
      const { result, events } = parseBai2(readBai('invalid', name));
      assert.equal(result.ok, false);
      const first = result.errors[0]!;
      assert.ok(first.line >= 1 && first.record.length > 0 && first.field.length > 0 && first.message.length > 0);
      assert.equal(events.filter((e) => e.type === 'detail').length, 0);
    });
  }

  test('sample-parseError.bai: its 00 record is an unknown record type on line 1', (t) => {
    if (!requireTestdata(t)) return;
    const { result } = parseBai2(readBai('invalid', 'sample-parseError.bai'));
    assert.equal(result.errors[0]!.code, 'unknown_record_type');
    assert.equal(result.errors[0]!.line, 1);
  });

  test('the mapping of sample files: continuations, funds types, several records per line, wrapped text', (t) => {
    if (!requireTestdata(t)) return;
    const details = (name: string) =>
      parseBai2(readBai('valid', name)).events.filter((e): e is Extract<Bai2Event, { type: 'detail' }> => e.type === 'detail').map((e) => e.detail);
    const two = details('sample2.bai');
    // 16,218,20000000,V,040622,,SP4738,YRC065321/ then 88,PROCEEDS OF ... : the text is all in the 88.
    const loc = two.find((d) => d.bankReference === 'SP4738')!;
    assert.equal(loc.text, 'PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO');
    assert.equal(loc.customerReference, 'YRC065321');
    assert.deepEqual([loc.funds.code, loc.funds.valueDate, loc.direction, loc.amount], ['V', '2004-06-22', 'credit', 20000000]);
    const dist = two.find((d) => d.text === 'LOCK BOX NO.68751')!;
    assert.deepEqual([dist.funds.code, dist.funds.immediate, dist.funds.oneDay, dist.funds.twoOrMoreDays], ['S', null, 200000n, 300000n]);
    const three = details('sample3.bai');
    assert.equal(three.length, 26);
    // Two 16s on one line, separated by "/ ".
    assert.equal(three[0]!.text, 'TRANSFER   PAYPAL             PPD');
    assert.equal(three[1]!.amount, 500);
    // A 16 whose text runs over the next physical line without a "/", then an 88.
    const wrapped = three.find((d) => d.text.startsWith('111111     ACH_SETL           1111111111111111111111111'));
    assert.ok(wrapped, 'the wrapped line is joined to its record');
    assert.match(wrapped.text, / 1111111111$/);
  });
});
