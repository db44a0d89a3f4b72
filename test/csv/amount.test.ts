import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseMajorAmount, parseMinorAmount, type ParsedAmount } from '../../src/formats/csv/amount.js';

const out: ParsedAmount = { magnitude: 0, negative: false };

function major(text: string, currency = 'USD', decimals = 2): number | string {
  const problem = parseMajorAmount(text, currency, decimals, out);
  if (problem !== undefined) return problem;
  return out.negative ? -out.magnitude : out.magnitude;
}

function minor(text: string): number | string {
  const problem = parseMinorAmount(text, out);
  if (problem !== undefined) return problem;
  return out.negative ? -out.magnitude : out.magnitude;
}

describe('major units', () => {
  const cases: Array<[string, number]> = [
    ['1234.56', 123456],
    ['1,234.56', 123456],
    ['$1,234.56', 123456],
    ['-12.34', -1234],
    ['(12.34)', -1234],
    ['($1,234.56)', -123456],
    ['( $ 12.34 )', -1234],
    ['+5', 500],
    ['5', 500],
    ['0.5', 50],
    ['.5', 50],
    ['5.', 500],
    ['  12.30  ', 1230],
    ['-$5.00', -500],
    ['$-5.00', -500],
    ['- 5', -500],
    ['$ 5', 500],
    ['12.34 $', 1234],
    ['\u22125.25', -525],
    ['\u00a012.00\u00a0', 1200],
    ['1,000,000', 100000000],
    ['0', 0],
    ['-0.00', 0],
    ['007.10', 710],
    ['90071992547409.91', 9007199254740991],
  ];
  for (const [text, expected] of cases) {
    test(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(major(text), expected));
  }

  test('zero is never negative', () => {
    assert.equal(parseMajorAmount('-0.00', 'USD', 2, out), undefined);
    assert.equal(out.negative, false);
    assert.equal(parseMajorAmount('(0)', 'USD', 2, out), undefined);
    assert.equal(out.negative, false);
  });

  test('currencies with 0 and 3 decimals', () => {
    assert.equal(major('1,234', 'JPY', 0), 1234);
    assert.equal(major('¥1,234', 'JPY', 0), 1234);
    assert.match(String(major('1.5', 'JPY', 0)), /1 decimal places but JPY has no decimal places/);
    assert.match(String(major('1.000', 'JPY', 0)), /3 decimal places but JPY has no decimal places/);
    assert.equal(major('1.234', 'BHD', 3), 1234);
    assert.equal(major('1.2', 'BHD', 3), 1200);
    assert.match(String(major('1.2345', 'BHD', 3)), /4 decimal places but BHD has 3 decimal places/);
    assert.equal(major('1.2345', 'CLF', 4), 12345);
  });

  test('more decimals than the currency has is an error, never rounded', () => {
    assert.match(String(major('12.345')), /amount has 3 decimal places but USD has 2 decimal places/);
    assert.match(String(major('12.3400')), /4 decimal places/);
  });

  test('currency symbols must fit the currency', () => {
    assert.equal(major('€12.50', 'EUR'), 1250);
    assert.equal(major('12,50 €'.replace(',', '.'), 'EUR'), 1250);
    assert.equal(major('£3', 'GBP'), 300);
    assert.equal(major('¥3', 'CNY'), 300);
    assert.equal(major('$3', 'CAD'), 300);
    assert.match(String(major('€12.50', 'USD')), /written with € but the record's currency is USD/);
    assert.match(String(major('£1', 'EUR')), /£/);
    assert.match(String(major('¥1', 'USD')), /¥/);
  });

  const bad = [
    '',
    '   ',
    '-',
    '$',
    '()',
    '12,34',
    '1,23,456',
    '1234,567',
    ',123',
    '1,234,56',
    '1.234,56',
    '1 234.56',
    '12.34-',
    '--5',
    '+-5',
    '-(5)',
    '(5',
    '5)',
    '$$5',
    '$5€',
    'USD 5',
    '5 USD',
    '1e5',
    '0x10',
    'abc',
    '12.3.4',
    'NaN',
    'Infinity',
  ];
  for (const text of bad) {
    test(`refuses ${JSON.stringify(text)}`, () => assert.equal(typeof major(text), 'string'));
  }

  test('beyond the safe integer range is an error, in every position', () => {
    assert.match(String(major('90071992547409.92')), /safe integer/);
    assert.match(String(major('90071992547409920')), /safe integer/);
    assert.match(String(major('99999999999999999999999')), /safe integer/);
    assert.match(String(major('9007199254740992', 'JPY', 0)), /safe integer/);
    assert.equal(major('9007199254740991', 'JPY', 0), 9007199254740991);
  });

  test('error messages never repeat the cell', () => {
    const secret = '12345678901234.567';
    assert.ok(!String(major(secret)).includes('1234567'));
  });

  test('property: any integer of minor units, written in major units any accepted way, reads back exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(0, 2, 3, 4),
        fc.boolean(),
        fc.constantFrom('minus', 'parens', 'unicode'),
        fc.constantFrom('', '$'),
        fc.boolean(),
        (value, decimals, group, negativeStyle, symbol, padFraction) => {
          const magnitude = BigInt(Math.abs(value));
          const base = 10n ** BigInt(decimals);
          let whole = (magnitude / base).toString();
          if (group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
          let fraction = decimals > 0 ? (magnitude % base).toString().padStart(decimals, '0') : '';
          if (!padFraction) fraction = fraction.replace(/0+$/, '');
          let text = `${symbol}${whole}${fraction ? `.${fraction}` : ''}`;
          if (value < 0) text = negativeStyle === 'parens' ? `(${text})` : `${negativeStyle === 'unicode' ? '\u2212' : '-'}${text}`;
          assert.equal(parseMajorAmount(text, 'USD', decimals, out), undefined, text);
          assert.equal(out.magnitude, Math.abs(value), text);
          assert.equal(out.negative, value < 0, text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('property: arbitrary text never throws, and a success is a safe integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.,-+() $€£¥e'.split('')), maxLength: 24 }), (text) => {
        if (parseMajorAmount(text, 'USD', 2, out) === undefined) assert.ok(Number.isSafeInteger(out.magnitude) && out.magnitude >= 0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('minor units', () => {
  for (const [text, expected] of [
    ['123456', 123456],
    ['-1234', -1234],
    ['+7', 7],
    ['(250)', -250],
    [' 42 ', 42],
    ['0', 0],
    ['9007199254740991', 9007199254740991],
  ] as const) {
    test(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(minor(text), expected));
  }
  for (const text of ['12.34', '1,234', '$5', '', '-', '(5', '9007199254740992', '5e2']) {
    test(`refuses ${JSON.stringify(text)}`, () => assert.equal(typeof minor(text), 'string'));
  }
});
