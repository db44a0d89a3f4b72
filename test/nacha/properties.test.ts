// Property-based tests: no input makes the parser throw or hang, chunking never changes the outcome, and
// any file the test writer produces reads back to exactly the entries and totals it was made from.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { NACHA_ERROR_CODES, NachaParser, parseNacha, type NachaEntry, type NachaOptions } from '../../src/formats/nacha/index.js';
import { canonical, chunks, listAch, readAch, readFixture } from './testdata.js';
import { abaCheckDigit, writeNacha, writeRecords, type WriterBatch, type WriterEntry, type WriterFile } from './writer.js';

/** Parses in the given chunk sizes and returns everything the parser reported, for comparison. */
function parseInChunks(data: Uint8Array | string, sizes: number[], options: NachaOptions = {}): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const entries: NachaEntry[] = [];
  const parser = new NachaParser(options, { entry: (entry) => entries.push(entry) });
  for (const piece of chunks(bytes, sizes)) parser.push(piece);
  return canonical({ result: parser.end(), entries });
}

function parseWhole(data: Uint8Array | string, options: NachaOptions = {}): string {
  return parseInChunks(data, [Number.MAX_SAFE_INTEGER], options);
}

function checkWellFormed(data: Uint8Array | string, options: NachaOptions = {}): void {
  const result = parseNacha(data, options);
  for (const error of result.errors) {
    assert.ok(Number.isInteger(error.line) && error.line >= 1, `line ${error.line}`);
    assert.ok(error.code in NACHA_ERROR_CODES, error.code);
    assert.ok(error.field.length > 0 && error.record.length > 0);
  }
  assert.equal(result.ok, result.errors.length === 0);
  if (result.ok && options.allowMissingFileControl !== true) assert.ok(result.fileControl);
  if (result.ok && options.skipControlTotals !== true && result.fileControl !== null) {
    // Whatever was accepted adds up.
    assert.equal(result.totals.debitAmount, result.fileControl.totalDebitAmount);
    assert.equal(result.totals.creditAmount, result.fileControl.totalCreditAmount);
  }
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

// ---------------------------------------------------------------------------------------------------------
// Arbitrary and mutated input

describe('NACHA properties: hostile input', () => {
  test('arbitrary bytes never throw, and chunking does not matter', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), chunkSizes, (bytes, sizes) => {
        checkWellFormed(bytes);
        assert.equal(parseInChunks(bytes, sizes), parseWhole(bytes));
      }),
      { numRuns: 300 },
    );
  });

  test('record-shaped garbage never throws, and chunking does not matter', () => {
    const line = fc
      .tuple(fc.constantFrom('1', '5', '6', '7', '8', '9', '0', ' ', 'X'), fc.string({ unit: 'binary-ascii', maxLength: 110 }))
      .map(([type, rest]) => type + rest);
    const file = fc.tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '', '\r'));
    fc.assert(
      fc.property(file, chunkSizes, ([lines, eol], sizes) => {
        const text = lines.join(eol);
        checkWellFormed(text);
        assert.equal(parseInChunks(text, sizes), parseWhole(text));
      }),
      { numRuns: 300 },
    );
  });

  const bases: Buffer[] = [
    ...['crlf.ach', 'no-padding.ach', 'unsplit.ach', 'non-monetary.ach'].map(readFixture),
    ...listAch('valid').map((name) => readAch('valid', name)),
  ];

  type Mutation =
    | { kind: 'replace'; at: number; byte: number }
    | { kind: 'delete'; at: number; length: number }
    | { kind: 'insert'; at: number; bytes: Uint8Array }
    | { kind: 'duplicate_line'; line: number }
    | { kind: 'swap_lines'; a: number; b: number }
    | { kind: 'truncate'; at: number };

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.constantFrom(10, 13, 32, 48, 57) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 120 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 100 }) }),
    fc.record({ kind: fc.constant('duplicate_line' as const), line: fc.nat() }),
    fc.record({ kind: fc.constant('swap_lines' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );

  function mutate(base: Buffer, mutations: Mutation[]): Buffer {
    let data = Buffer.from(base);
    for (const m of mutations) {
      const n = data.length;
      switch (m.kind) {
        case 'replace':
          if (n > 0) data[m.at % n] = m.byte;
          break;
        case 'delete': {
          const at = n > 0 ? m.at % n : 0;
          data = Buffer.concat([data.subarray(0, at), data.subarray(at + m.length)]);
          break;
        }
        case 'insert': {
          const at = m.at % (n + 1);
          data = Buffer.concat([data.subarray(0, at), m.bytes, data.subarray(at)]);
          break;
        }
        case 'truncate':
          data = data.subarray(0, m.at % (n + 1));
          break;
        default: {
          const lines = data.toString('latin1').split('\n');
          if (m.kind === 'duplicate_line') {
            const i = m.line % lines.length;
            lines.splice(i, 0, lines[i] ?? '');
          } else {
            const a = m.a % lines.length;
            const b = m.b % lines.length;
            [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
          }
          data = Buffer.from(lines.join('\n'), 'latin1');
        }
      }
    }
    return data;
  }

  test('mutations of valid files never throw, stay consistent, and read alike in any chunking', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), chunkSizes, (which, mutations, sizes) => {
        const data = mutate(bases[which]!, mutations);
        checkWellFormed(data);
        assert.equal(parseInChunks(data, sizes), parseWhole(data));
      }),
      { numRuns: 400 },
    );
  });

  test('relaxations never make the parser throw either', () => {
    const everything: NachaOptions = {
      allowShortLines: true,
      allowLongLines: true,
      skipCheckDigit: true,
      allowMissingFileControl: true,
      skipControlTotals: true,
      allowUnknownTransactionCodes: true,
      skipTraceNumberChecks: true,
      includeAccountNumber: true,
      maxLineLength: 200,
      maxErrors: 7,
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), chunkSizes, (which, mutations, sizes) => {
        const data = mutate(bases[which]!, mutations);
        checkWellFormed(data, everything);
        assert.equal(parseInChunks(data, sizes, everything), parseWhole(data, everything));
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Round trip through the writer

const CREDIT_CODES = [21, 22, 23, 24, 31, 32, 33, 34, 41, 42, 43, 44, 51, 52, 53, 54];
const DEBIT_CODES = [26, 27, 28, 29, 36, 37, 38, 39, 46, 47, 48, 49, 55, 56];
const ZERO_CODES = new Set([23, 24, 28, 29, 33, 34, 38, 39, 43, 44, 48, 49, 53, 54]);

/** Printable ASCII with no blank at either end (the parser trims field values), at most `max` long. */
function printable(max: number, min = 0): fc.Arbitrary<string> {
  return fc
    .string({ unit: 'grapheme-ascii', maxLength: max })
    .map((s) => s.trim())
    .filter((s) => s.length >= min);
}

const digits8 = fc.stringMatching(/^[0-9]{8}$/);

/** `maxAddenda`: addenda 05 per entry its SEC code allows (TEL none, PPD, CCD and WEB one). */
function entryArb(codes: number[], maxAddenda: number): fc.Arbitrary<WriterEntry> {
  return fc
    .record({
      transactionCode: fc.constantFrom(...codes),
      rdfi: digits8,
      account: printable(17, 1),
      amount: fc.integer({ min: 0, max: 9_999_999_999 }),
      individualId: printable(15),
      individualName: printable(22),
      discretionaryData: printable(2),
      addenda05: fc.array(printable(80), { maxLength: maxAddenda }),
    })
    .map((entry) => (ZERO_CODES.has(entry.transactionCode) ? { ...entry, amount: 0 } : entry));
}

const batchArb: fc.Arbitrary<WriterBatch> = fc
  .record({
    serviceClassCode: fc.constantFrom(200 as const, 220 as const, 225 as const),
    secCode: fc.constantFrom('PPD', 'CCD', 'WEB', 'TEL'),
    companyName: printable(16),
    companyId: printable(10, 1),
    companyEntryDescription: printable(10),
    effectiveEntryDate: fc.constantFrom('240116', '991231', '000229', '      ', '000000'),
    odfi: digits8,
  })
  // TEL entries are debits (moov-io/ach): a TEL batch is never credits-only.
  .map((header) => (header.secCode === 'TEL' && header.serviceClassCode === 220 ? { ...header, serviceClassCode: 225 as const } : header))
  .chain((header) => {
    const codes = header.serviceClassCode === 220 ? CREDIT_CODES : header.serviceClassCode === 225 || header.secCode === 'TEL' ? DEBIT_CODES : [...CREDIT_CODES, ...DEBIT_CODES];
    return fc.array(entryArb(codes, header.secCode === 'TEL' ? 0 : 1), { minLength: 1, maxLength: 6 }).map((entries) => ({ ...header, entries }));
  });

const fileArb: fc.Arbitrary<WriterFile> = fc.record({
  destination: digits8.map((d) => d + String(abaCheckDigit(d))),
  origin: fc.oneof(digits8.map((d) => ` ${d}${abaCheckDigit(d)}`), fc.stringMatching(/^[1-9][0-9]{9}$/)),
  creationDate: fc.constantFrom('240115', '000101', '691231', '700101', '991231'),
  creationTime: fc.constantFrom('0000', '2359', '1200', '    '),
  modifier: fc.constantFrom('A', 'Z', '0', '9'),
  batches: fc.array(batchArb, { minLength: 1, maxLength: 3 }),
});

const layoutArb = fc.record({
  lineEnding: fc.constantFrom('\n' as const, '\r\n' as const, '' as const),
  padding: fc.boolean(),
  finalNewline: fc.boolean(),
});

describe('NACHA properties: writer round trip', () => {
  test('generated files parse back to the same entries and totals, in any chunking', () => {
    fc.assert(
      fc.property(fileArb, layoutArb, chunkSizes, (file, layout, sizes) => {
        const text = writeNacha(file, layout);
        const result = parseNacha(text);
        assert.deepEqual(result.errors, []);

        const expected = file.batches.flatMap((batch) =>
          batch.entries.map((entry) => ({
            transactionCode: entry.transactionCode,
            rdfiRoutingNumber: entry.rdfi + String(abaCheckDigit(entry.rdfi)),
            accountLast4: entry.account.slice(-4).trimStart(),
            amount: entry.amount,
            individualIdentification: entry.individualId,
            individualName: entry.individualName,
            discretionaryData: entry.discretionaryData ?? '',
            paymentRelatedInformation: entry.addenda05 && entry.addenda05.length > 0 ? entry.addenda05.join('\n') : null,
            secCode: batch.secCode,
            companyIdentification: batch.companyId,
          })),
        );
        const got = result.entries.map((entry) => ({
          transactionCode: entry.transactionCode,
          rdfiRoutingNumber: entry.rdfiRoutingNumber,
          accountLast4: entry.accountLast4,
          amount: entry.amount,
          individualIdentification: entry.individualIdentification,
          individualName: entry.individualName,
          discretionaryData: entry.discretionaryData,
          paymentRelatedInformation: entry.paymentRelatedInformation,
          secCode: entry.batch.secCode,
          companyIdentification: entry.batch.companyIdentification,
        }));
        assert.deepEqual(got, expected);

        const { totals } = writeRecords(file);
        assert.equal(result.totals.debitAmount, totals.debitAmount);
        assert.equal(result.totals.creditAmount, totals.creditAmount);
        assert.equal(result.totals.entryCount, totals.entryCount);
        assert.equal(result.totals.addendaCount, totals.addendaCount);
        assert.equal(result.totals.entryHash, totals.entryHash);
        assert.equal(result.fileControl?.totalDebitAmount, totals.debitAmount);
        assert.equal(result.monetary.entryCount + result.excluded.total, totals.entryCount);

        assert.equal(parseInChunks(text, sizes), parseWhole(text));
      }),
      { numRuns: 300 },
    );
  });
});
