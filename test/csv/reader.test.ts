import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CsvFileError } from '../../src/formats/csv/errors.js';
import { CsvParser, createCsvReader, readCsv, firstInvalidUtf8 } from '../../src/formats/csv/reader.js';
import { TESTDATA_ROOT } from '../support/shared.js';
import { bytes, cellsOf, cut, expectedLines, linesOf, outcome, readAll, writeCsv } from './support.js';

const SPECTRUM = path.join(TESTDATA_ROOT, 'csv', 'spectrum');

describe('csv-spectrum', () => {
  const present = existsSync(path.join(SPECTRUM, 'csvs'));
  if (!present) {
    console.warn(`SKIPPED csv-spectrum: ${SPECTRUM} not found (set SLUICE_TESTDATA to the shared testdata directory)`);
  }
  const names = present ? readdirSync(path.join(SPECTRUM, 'csvs')).filter((f) => f.endsWith('.csv')).sort() : [];
  test('the suite is there', { skip: present ? false : `testdata not found at ${SPECTRUM}` }, () => {
    assert.ok(names.length >= 11, `found ${names.length} files`);
  });
  for (const name of names) {
    test(name, async () => {
      const input = readFileSync(path.join(SPECTRUM, 'csvs', name));
      const expected = JSON.parse(readFileSync(path.join(SPECTRUM, 'json', name.replace(/\.csv$/, '.json')), 'utf8')) as Array<Record<string, string>>;
      for (const sizes of [[input.length], [1], [2, 3, 5], [7]]) {
        const rows = await readAll(cut(input, sizes), { scanBytes: 1 });
        const [header, ...data] = rows;
        const actual = data.map((r) => Object.fromEntries(header!.cells.map((h, i) => [h, r.cells[i]])));
        assert.deepEqual(actual, expected, `chunks of ${sizes.join(',')}`);
      }
    });
  }
});

describe('records and line numbers', () => {
  test('quoted newlines: each row carries the line it starts on', async () => {
    const rows = await readAll('date,description\n2025-01-01,"one\ntwo\nthree"\n2025-01-02,plain\n2025-01-03,"a\r\nb"\n2025-01-04,x\n');
    assert.deepEqual(linesOf(rows), [1, 2, 5, 6, 8]);
    assert.deepEqual(rows[1]!.cells, ['2025-01-01', 'one\ntwo\nthree']);
    assert.deepEqual(rows[3]!.cells, ['2025-01-03', 'a\r\nb']);
  });

  test('CRLF, LF and lone CR line ends, mixed in one file', async () => {
    const rows = await readAll('a,b\r\n1,2\n3,4\r5,6\r\n');
    assert.deepEqual(cellsOf(rows), [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
    assert.deepEqual(linesOf(rows), [1, 2, 3, 4]);
  });

  test('a spreadsheet export: BOM, CRLF records, LF inside quoted cells', async () => {
    const rows = await readAll('\ufeffdate,memo\r\n2025-01-01,"line 1\nline 2"\r\n2025-01-02,x\r\n');
    assert.deepEqual(cellsOf(rows), [['date', 'memo'], ['2025-01-01', 'line 1\nline 2'], ['2025-01-02', 'x']]);
    assert.deepEqual(linesOf(rows), [1, 2, 4]);
  });

  test('the BOM is skipped only at the very start', async () => {
    assert.deepEqual(cellsOf(await readAll('\ufeffa\n\ufeffb\n')), [['a'], ['\ufeffb']]);
    assert.deepEqual(cellsOf(await readAll(cut(bytes('\ufeffa,b\n'), [1]), { scanBytes: 1 })), [['a', 'b']]);
  });

  test('blank lines and rows of nothing but delimiters are skipped, and counted as lines', async () => {
    const rows = await readAll('a,b,c\n\n1,2,3\r\n\r\n,,\n4,5,6\n\n\n');
    assert.deepEqual(cellsOf(rows), [['a', 'b', 'c'], ['1', '2', '3'], ['4', '5', '6']]);
    assert.deepEqual(linesOf(rows), [1, 3, 6]);
  });

  test('quoted empty cells keep a row that is otherwise empty', async () => {
    assert.deepEqual(cellsOf(await readAll('a,b\n"",\n')), [['a', 'b'], ['', '']]);
  });

  test('last record without a line break; trailing delimiter gives an empty last cell', async () => {
    assert.deepEqual(cellsOf(await readAll('a,b\n1,')), [['a', 'b'], ['1', '']]);
    assert.deepEqual(cellsOf(await readAll('a,b\n1,"x"')), [['a', 'b'], ['1', 'x']]);
  });

  test('quotes: doubled quotes, delimiters inside, text after a closing quote, quotes inside bare fields', async () => {
    const rows = await readAll('a,b,c\n"say ""hi""","x,y",5" screen\n"ab"cd,"",""""\n');
    assert.deepEqual(cellsOf(rows).slice(1), [
      ['say "hi"', 'x,y', '5" screen'],
      ['abcd', '', '"'],
    ]);
  });

  test('spaces are part of a field; a quote after a space is literal', async () => {
    assert.deepEqual(cellsOf(await readAll(' a , "b" \n')), [[' a ', ' "b" ']]);
  });

  for (const delimiter of [',', ';', '\t', '|'] as const) {
    test(`delimiter ${JSON.stringify(delimiter)}`, async () => {
      const other = delimiter === ',' ? ';' : ',';
      const text = `date${delimiter}amount${delimiter}memo\n2025-01-01${delimiter}1${other}5${delimiter}"a${delimiter}b"\n`;
      const rows = await readAll(text, { delimiter });
      assert.deepEqual(cellsOf(rows), [['date', 'amount', 'memo'], ['2025-01-01', `1${other}5`, `a${delimiter}b`]]);
    });
  }

  test('an unknown delimiter is a programming error, refused at once', () => {
    assert.throws(() => createCsvReader({ delimiter: ':' as ',' }), TypeError);
    assert.throws(() => new CsvParser({ maxLineBytes: 0 }), TypeError);
  });

  test('UTF-8 of every length, cells as text', async () => {
    const rows = await readAll('name,sym\nMüller,€\n日本,😀\n');
    assert.deepEqual(cellsOf(rows), [['name', 'sym'], ['Müller', '€'], ['日本', '😀']]);
  });

  test('an empty file and a file of blank lines have no rows', async () => {
    assert.deepEqual(await readAll(''), []);
    assert.deepEqual(await readAll('\n\r\n\n'), []);
    assert.deepEqual(await readAll('\ufeff'), []);
  });

  test('batches: rows arrive in batches of batchRows, in order', async () => {
    const text = Array.from({ length: 2500 }, (_, i) => `${i},x`).join('\n');
    const sizes: number[] = [];
    const all: string[] = [];
    for await (const batch of readCsv([bytes(text)], { batchRows: 1000 })) {
      sizes.push(batch.length);
      for (const row of batch) all.push(row.cells[0]!);
    }
    assert.deepEqual(sizes, [1000, 1000, 500]);
    assert.deepEqual(all, Array.from({ length: 2500 }, (_, i) => String(i)));
  });

  test('a huge single chunk still comes out in bounded batches', async () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `${i},some text here`).join('\n');
    let largest = 0;
    let count = 0;
    for await (const batch of readCsv([bytes(text)], { batchRows: 1000 })) {
      largest = Math.max(largest, batch.length);
      count += batch.length;
    }
    assert.equal(count, 50_000);
    assert.equal(largest, 1000);
  });
});

describe('file errors', () => {
  test('unclosed quote at the end of the file names the line where the quote opened', async () => {
    const result = await outcome(bytes('a,b\n1,2\n3,"open\nstill open\n'));
    assert.deepEqual(result, { error: { code: 'unclosed_quote', line: 3, field: null } });
  });

  test('a record longer than maxLineBytes is refused, even when it never ends', async () => {
    assert.deepEqual(await outcome(bytes(`a,b\n1,${'x'.repeat(200)}\n`), { maxLineBytes: 100 }), {
      error: { code: 'line_too_long', line: 2, field: null },
    });
    // Exactly at the limit is fine; the limit counts UTF-8 bytes, not characters.
    assert.equal((await readAll(`${'x'.repeat(100)}\n`, { maxLineBytes: 100 })).length, 1);
    assert.deepEqual(await outcome(bytes(`${'é'.repeat(51)}\n`), { maxLineBytes: 100 }), {
      error: { code: 'line_too_long', line: 1, field: null },
    });
    // A quoted field that never closes stops at the limit rather than buffering the rest of the input.
    let fed = 0;
    async function* endless() {
      yield bytes('a,b\n1,"');
      for (;;) {
        fed += 64 * 1024;
        yield Buffer.alloc(64 * 1024, 0x78);
      }
    }
    await assert.rejects(
      async () => {
        for await (const _ of readCsv(endless(), { maxLineBytes: 1024 * 1024 })) {
          // nothing
        }
      },
      (error: unknown) => error instanceof CsvFileError && error.code === 'line_too_long' && error.line === 2,
    );
    assert.ok(fed <= 3 * 1024 * 1024, `read ${fed} bytes before giving up`);
  });

  test('a multi-line record counts all its lines against the limit', async () => {
    const text = `a\n"${'x\n'.repeat(60)}"\n`;
    assert.deepEqual(await outcome(bytes(text), { maxLineBytes: 100 }), { error: { code: 'line_too_long', line: 2, field: null } });
  });

  test('invalid UTF-8 is a file error on the line of the bad byte', async () => {
    const latin1 = Buffer.concat([bytes('a,b\n1,2\n3,caf'), Buffer.from([0xe9]), bytes('\n')]);
    assert.deepEqual(await outcome(latin1), { error: { code: 'invalid_utf8', line: 3, field: null } });
    const inQuotes = Buffer.concat([bytes('a,b\n1,"x\ny'), Buffer.from([0xff]), bytes('"\n')]);
    assert.deepEqual(await outcome(inQuotes), { error: { code: 'invalid_utf8', line: 3, field: null } });
    // Truncated at the very end.
    assert.deepEqual(await outcome(Buffer.concat([bytes('a\n'), Buffer.from([0xe2, 0x82])])), {
      error: { code: 'invalid_utf8', line: 2, field: null },
    });
    // Surrogates and overlong forms are not UTF-8 either.
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf4, 0x90, 0x80, 0x80]]) {
      assert.deepEqual(await outcome(Buffer.concat([bytes('a\n'), Buffer.from(bad), bytes('\n')])), {
        error: { code: 'invalid_utf8', line: 2, field: null },
      });
    }
  });

  test('firstInvalidUtf8 agrees with the decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (input) => {
        const at = firstInvalidUtf8(input);
        const valid = (b: Uint8Array) => {
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(b);
            return true;
          } catch {
            return false;
          }
        };
        assert.equal(valid(input), at === input.length);
        if (at < input.length) {
          // Everything before the reported byte is valid, and the bad sequence starts there.
          assert.ok(valid(input.subarray(0, at)));
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('CsvParser: after an error every later call throws the same error', () => {
    const parser = new CsvParser({ maxLineBytes: 10 });
    assert.throws(() => {
      parser.write(bytes('a\n'.repeat(10) + 'x'.repeat(40)));
      parser.end();
    }, CsvFileError);
    assert.throws(() => parser.write(bytes('more\n')), (e: unknown) => e instanceof CsvFileError && e.code === 'line_too_long' && e.line === 11);
    assert.throws(() => parser.end(), CsvFileError);
  });

  test('createCsvReader reads with its options', async () => {
    const reader = createCsvReader({ delimiter: '|', batchRows: 2 });
    const batches: string[][][] = [];
    for await (const batch of reader.read([bytes('a|b\n1|2\n3|4\n')])) batches.push(cellsOf(batch));
    assert.deepEqual(batches, [[['a', 'b'], ['1', '2']], [['3', '4']]]);
  });

  test('errors are CsvFileError with line, field, code and message, and serialize to that shape', async () => {
    try {
      await readAll('"');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof CsvFileError);
      assert.deepEqual(JSON.parse(JSON.stringify(error)), { line: 1, field: null, code: 'unclosed_quote', message: error.message });
      assert.match(error.message, /line 1/);
    }
  });
});

describe('chunk boundaries', () => {
  const sample = bytes(
    '\ufeffdate,amount,memo\r\n2025-01-01,"1,234.56","multi\r\nline ""quoted"" €"\r\n\r\n2025-01-02,-5,日本語 😀\n2025-01-03,(12.34),"ends with CR\r"\r2025-01-04,7,"a""b"',
  );

  test('every single split point gives the same rows', async () => {
    const whole = await outcome(sample);
    for (let at = 0; at <= sample.length; at++) {
      const parts = [sample.subarray(0, at), sample.subarray(at)];
      assert.deepEqual(await outcome(parts, { scanBytes: 1 }), whole, `split at byte ${at}`);
    }
  });

  test('one byte at a time, and assorted sizes, give the same rows', async () => {
    const whole = await outcome(sample);
    for (const sizes of [[1], [2], [3], [1, 2, 3, 5, 8], [13], [64]]) {
      assert.deepEqual(await outcome(cut(sample, sizes), { scanBytes: 1 }), whole, `chunks ${sizes.join(',')}`);
      assert.deepEqual(await outcome(cut(sample, sizes)), whole, `chunks ${sizes.join(',')} (default scan size)`);
    }
  });

  test('large input across many scans (default scan size) matches the one-chunk parse', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [String(i), i % 7 === 0 ? `multi\nline ${i}` : `plain ${i}`, 'é€😀']);
    const input = bytes(writeCsv(rows, ',', ['\r\n']));
    const expected = cellsOf(await readAll(input));
    assert.deepEqual(expected, rows);
    for (const sizes of [[1000], [65_535, 3], [4096, 1, 17]]) {
      const got = await readAll(cut(input, sizes));
      assert.deepEqual(cellsOf(got), rows, `chunks ${sizes.join(',')}`);
      assert.deepEqual(linesOf(got), expectedLines(rows));
    }
  });

  test('property: any bytes, any chunking: same rows or the same error, and nothing but CsvFileError', async () => {
    const special = fc.constantFrom(...[',', ';', '"', '\n', '\r', '\r\n', 'a', ' ', 'é', '€', '😀', '\ufeff'].map((s) => [...bytes(s)]));
    const byteSoup = fc.array(fc.oneof(special, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 })), { maxLength: 60 }).map((parts) => Buffer.from(parts.flat()));
    await fc.assert(
      fc.asyncProperty(
        byteSoup,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(',', ';', '\t', '|'),
        fc.integer({ min: 1, max: 80 }),
        async (input, sizes, delimiter, maxLineBytes) => {
          const whole = await outcome(input, { delimiter, maxLineBytes });
          const chunked = await outcome(cut(input, sizes), { delimiter, maxLineBytes, scanBytes: 1 });
          assert.deepEqual(chunked, whole);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('property: random bytes never throw anything but CsvFileError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 50 }), async (input, size) => {
        await outcome(cut(Buffer.from(input), [size]), { scanBytes: 1, maxLineBytes: 64 });
        await outcome(Buffer.from(input));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('round trip', () => {
  const cellChar = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(',', ';', '\t', '|', '"', '\n', '\r', '\r\n', ' ', '\ufeff', 'é', '€', '😀') },
    { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  );
  const cell = fc.string({ unit: cellChar, maxLength: 12 });

  test('property: rows written by a CSV writer read back identically, with their start lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 20 })),
        fc.constantFrom(',', ';', '\t', '|'),
        fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }),
        async (rows, delimiter, terminators, finalTerminator, sizes) => {
          const input = bytes(writeCsv(rows, delimiter, terminators, finalTerminator));
          const read = await readAll(cut(input, sizes), { delimiter, scanBytes: 1 });
          assert.deepEqual(cellsOf(read), rows);
          assert.deepEqual(linesOf(read), expectedLines(rows));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
