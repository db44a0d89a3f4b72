// Property-based tests: any file the writer produces, in any physical layout (records per line, 88
// continuations, wrapped text, fixed-length lines, CRLF), reads back to exactly the details and totals
// it was made from; how the input is cut into chunks never changes the outcome; no input makes the reader
// throw, and every error it reports is a named, located one.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BAI2_ERROR_CODES, Bai2Parser, detailToRecordFields, parseBai2, parseBai2Stream, type Bai2Detail, type Bai2Event } from '../../src/formats/bai2/index.js';
import { chunks, listBai, readBai } from './testdata.js';
import { writeBai2, type AccountModel, type DetailModel, type FileModel, type FundsModel, type GroupModel, type Layout, type SummaryModel } from './writer.js';

const CURRENCIES = ['USD', 'CAD', 'EUR', 'JPY', 'BHD', 'GBP'];
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const yymmdd = fc.date({ min: new Date('1971-01-01'), max: new Date('2068-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(2, 10).replace(/-/g, ''));
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}`);
const ident = fc.stringMatching(/^[A-Z0-9]{1,12}$/);
const word = fc.stringMatching(/^[A-Za-z0-9.&#-]{1,10}(\/[A-Z]{1,3})?$/);
const text = fc.oneof(fc.constant(''), fc.array(word, { minLength: 1, maxLength: 12 }).map((w) => w.join(' ')), fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(', ')));
const signed = fc.tuple(fc.constantFrom('', '+', '-'), digits(1, 12)).map(([s, d]) => (s === '-' && /^0+$/.test(d) ? d : s + d));

const funds: fc.Arbitrary<FundsModel> = fc.oneof(
  fc.constantFrom<FundsModel>({ code: '' }, { code: '0' }, { code: '1' }, { code: '2' }, { code: 'Z' }),
  fc.record({ code: fc.constant('V' as const), valueDate: yymmdd, valueTime: fc.oneof(fc.constant(''), hhmm) }),
  fc.record({ code: fc.constant('S' as const), availability: fc.tuple(fc.oneof(fc.constant(''), signed), fc.oneof(fc.constant(''), signed), fc.oneof(fc.constant(''), signed)) }),
  fc.record({ code: fc.constant('D' as const), distributions: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), signed), { maxLength: 4 }) }),
);

const summary: fc.Arbitrary<SummaryModel> = fc.oneof(
  fc.record({ typeCode: fc.integer({ min: 1, max: 99 }).map((n) => String(n).padStart(3, '0')), amount: fc.oneof(fc.constant(''), signed), itemCount: fc.constant(''), funds: fc.constant<FundsModel>({ code: '' }) }),
  fc.record({ typeCode: fc.integer({ min: 100, max: 799 }).map(String), amount: fc.oneof(fc.constant(''), signed), itemCount: fc.oneof(fc.constant(''), digits(1, 5)), funds }),
);

const detail: fc.Arbitrary<DetailModel> = fc.record({
  typeCode: fc.oneof(fc.integer({ min: 100, max: 699 }), fc.integer({ min: 920, max: 999 })).map(String),
  amount: digits(1, 13),
  funds,
  bankReference: fc.oneof(fc.constant(''), ident),
  customerReference: fc.oneof(fc.constant(''), ident),
  text,
});

const account: fc.Arbitrary<AccountModel> = fc.record({
  accountNumber: digits(4, 17),
  currency: fc.oneof(fc.constant(''), fc.constantFrom(...CURRENCIES)),
  summaries: fc.array(summary, { maxLength: 5 }),
  details: fc.array(detail, { maxLength: 8 }),
});

const group: fc.Arbitrary<GroupModel> = fc.record({
  ultimateReceiverId: fc.oneof(fc.constant(''), ident),
  originatorId: ident,
  groupStatus: fc.constantFrom('1', '2', '3', '4'),
  asOfDate: yymmdd,
  asOfTime: fc.oneof(fc.constant(''), hhmm, fc.constant('2400'), fc.constant('9999')),
  currency: fc.oneof(fc.constant(''), fc.constantFrom(...CURRENCIES)),
  accounts: fc.array(account, { maxLength: 4 }),
});

const file: fc.Arbitrary<FileModel> = fc.record({
  senderId: ident,
  receiverId: ident,
  creationDate: yymmdd,
  creationTime: hhmm,
  fileId: ident,
  groups: fc.array(group, { maxLength: 3 }),
});

const layout: fc.Arbitrary<Layout> = fc.oneof(
  fc.record({ lineEnding: fc.constantFrom('\n' as const, '\r\n' as const), finalNewline: fc.boolean() }),
  fc.record({ recordsPerLine: fc.integer({ min: 2, max: 5 }) }),
  fc.record({ continuationWidth: fc.integer({ min: 20, max: 80 }), lineEnding: fc.constantFrom('\n' as const, '\r\n' as const) }),
  fc.record({ continuationWidth: fc.integer({ min: 30, max: 70 }), recordsPerLine: fc.integer({ min: 2, max: 3 }) }),
  fc.record({ wrapWidth: fc.integer({ min: 20, max: 60 }) }),
  fc.constant<Layout>({ continuationWidth: 78, fixedLength: 80 }),
);

const chunkSizes = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

function expectedDetails(model: FileModel): { group: GroupModel; account: AccountModel; detail: DetailModel }[] {
  return model.groups.flatMap((g) => g.accounts.flatMap((a) => a.details.map((d) => ({ group: g, account: a, detail: d }))));
}

function parseInChunks(data: string, sizes: number[]): string {
  const details: Bai2Detail[] = [];
  const parser = new Bai2Parser({}, { detail: (d) => details.push(d) });
  const decoder = new TextDecoder();
  for (const piece of chunks(Buffer.from(data, 'utf8'), sizes)) parser.push(decoder.decode(piece, { stream: true }));
  const result = parser.end();
  return JSON.stringify({ result, details }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

describe('BAI2 properties', () => {
  test('every written file reads back to its details, directions, currencies and totals', () => {
    fc.assert(
      fc.property(file, layout, (model, lay) => {
        const written = writeBai2(model, lay);
        const { result, events } = parseBai2(written);
        assert.deepEqual(result.errors, [], written);
        assert.equal(result.ok, true);
        const details = events.filter((e): e is Extract<Bai2Event, { type: 'detail' }> => e.type === 'detail');
        const expected = expectedDetails(model);
        assert.equal(details.length, expected.length);
        let credit = 0n;
        let debit = 0n;
        details.forEach((e, i) => {
          const want = expected[i]!;
          const d = e.detail;
          assert.equal(d.typeCode, want.detail.typeCode);
          assert.equal(BigInt(d.amount), BigInt(want.detail.amount));
          assert.equal(d.funds.code, want.detail.funds.code);
          assert.equal(d.bankReference, want.detail.bankReference);
          assert.equal(d.customerReference, want.detail.customerReference);
          assert.equal(d.text, want.detail.text);
          const code = Number(want.detail.typeCode);
          const direction = code < 400 || (code >= 920 && code < 960) ? 'credit' : 'debit';
          assert.equal(d.direction, direction);
          if (direction === 'credit') credit += BigInt(want.detail.amount);
          else debit += BigInt(want.detail.amount);
          const fields = detailToRecordFields(d, e.file, e.group, e.account);
          assert.equal(fields.currency, want.account.currency || want.group.currency || 'USD');
          assert.equal(fields.date, `${Number(want.group.asOfDate.slice(0, 2)) < 70 ? '20' : '19'}${want.group.asOfDate.slice(0, 2)}-${want.group.asOfDate.slice(2, 4)}-${want.group.asOfDate.slice(4, 6)}`);
          assert.equal(fields.metadata['account_last4'], want.account.accountNumber.slice(-4));
        });
        assert.equal(result.creditAmount, credit);
        assert.equal(result.debitAmount, debit);
        assert.equal(result.groupCount, model.groups.length);
        assert.equal(result.accountCount, model.groups.reduce((n, g) => n + g.accounts.length, 0));
        // Every id is distinct within a file.
        const ids = new Set(details.map((e) => detailToRecordFields(e.detail, e.file, e.group, e.account).external_id));
        assert.equal(ids.size, details.length);
      }),
      { numRuns: 300 },
    );
  });

  test('how the input is cut into chunks never changes the outcome', () => {
    fc.assert(
      fc.property(file, layout, chunkSizes, (model, lay, sizes) => {
        const written = writeBai2(model, lay);
        assert.equal(parseInChunks(written, sizes), parseInChunks(written, [Number.MAX_SAFE_INTEGER]));
      }),
      { numRuns: 150 },
    );
  });

  test('the stream reader gives what the whole-input reader gives', async () => {
    await fc.assert(
      fc.asyncProperty(file, layout, chunkSizes, async (model, lay, sizes) => {
        const written = Buffer.from(writeBai2(model, lay));
        let streamed: Bai2Event[] = [];
        for await (const events of parseBai2Stream(chunks(written, sizes))) streamed = streamed.concat(events);
        const whole = parseBai2(written).events;
        const show = (e: Bai2Event[]) => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        assert.equal(show(streamed), show(whole));
      }),
      { numRuns: 60 },
    );
  });

  test('a changed amount in a written file is caught by the trailers', () => {
    fc.assert(
      fc.property(file.filter((m) => expectedDetails(m).length > 0), fc.nat(), (model, pick) => {
        const written = writeBai2(model);
        const lines = written.split('\n');
        const detailLines = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('16,'));
        const [line, index] = detailLines[pick % detailLines.length]!;
        const parts = line.split(',');
        parts[2] = (BigInt(parts[2]!) + 1n).toString();
        lines[index] = parts.join(',');
        const { result } = parseBai2(lines.join('\n'));
        assert.equal(result.ok, false);
        assert.equal(result.errors[0]!.code, 'account_control_mismatch');
        assert.equal(result.errors[0]!.record, 'account_trailer');
      }),
      { numRuns: 100 },
    );
  });

  test('no input makes the reader throw; every error is named and located', () => {
    const corpus = listBai('valid').map((name) => readBai('valid', name).toString('latin1'));
    const mutated = fc.tuple(fc.constantFrom(...(corpus.length > 0 ? corpus : ['01,A,B,250101,0000,1,,,2/\n'])), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '/', ',', '\n', '88,', '16,', '9', 'x', '\u0000', '-', ' ')), { maxLength: 6 })).map(([base, edits]) => {
      let s = base;
      for (const [at, what] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + what + s.slice(i + (what === '' ? 1 : 0));
      }
      return s;
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated, file.chain((m) => fc.nat().map((n) => writeBai2(m).slice(0, n % (writeBai2(m).length + 1))))), (input) => {
        const { result } = parseBai2(input);
        for (const error of result.errors) {
          assert.ok(error.code in BAI2_ERROR_CODES, error.code);
          assert.ok(Number.isInteger(error.line) && error.line >= 1);
          assert.ok(error.record.length > 0 && error.field.length > 0);
        }
        assert.equal(result.ok, result.errors.length === 0 && result.fileHeader !== null);
        if (result.ok) assert.ok(result.fileTrailer, 'an accepted file has its trailer');
      }),
      { numRuns: 500 },
    );
  });
});
