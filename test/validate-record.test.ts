import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { currencyCodes, currencyDecimals, normalizeCurrency } from '../src/money/currencies.js';
import { mergeMetadata } from '../src/records/patch-record.js';
import {
  checkMetadataAgainstDefinitions,
  isDate,
  isDateTime,
  isPossibleStreamKey,
  validateRecordFields,
  type ValidationResult,
} from '../src/records/validate-record.js';

const base = { data_stream_key: 'bank', date: '2026-01-31', amount: 1234, direction: 'credit' };

function errorOf(result: ValidationResult) {
  assert.equal(result.ok, false, 'expected a validation error');
  return (result as Extract<ValidationResult, { ok: false }>).error;
}

function draftOf(result: ValidationResult) {
  if (!result.ok) assert.fail(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.draft;
}

describe('currencies', () => {
  test('ISO 4217 minor units, any case in', () => {
    assert.equal(currencyDecimals('JPY'), 0);
    assert.equal(currencyDecimals('usd'), 2);
    assert.equal(currencyDecimals('Bhd'), 3);
    assert.equal(currencyDecimals('KWD'), 3);
    assert.equal(currencyDecimals('CLF'), 4);
    assert.equal(currencyDecimals('UYW'), 4);
    assert.equal(currencyDecimals('XAU'), undefined, 'no minor unit: not accepted');
    assert.equal(currencyDecimals('ABC'), undefined);
    assert.equal(currencyDecimals('US'), undefined);
    assert.equal(currencyDecimals('toString'), undefined);
    assert.equal(normalizeCurrency('eur'), 'EUR');
    assert.ok(currencyCodes().length >= 160);
    for (const code of currencyCodes()) assert.match(code, /^[A-Z]{3}$/);
  });
});

describe('validateRecordFields', () => {
  test('a minimal record gets the defaults', () => {
    const draft = draftOf(validateRecordFields(base));
    assert.deepEqual(draft, {
      data_stream_key: 'bank',
      date: '2026-01-31',
      amount: 1234,
      direction: 'credit',
      currency: 'USD',
      description: null,
      external_id: null,
      metadata: {},
      metadataJson: '{}',
    });
  });

  test('a full record keeps its fields; currency is uppercased', () => {
    const draft = draftOf(
      validateRecordFields({ ...base, currency: 'jpy', description: 'Coffee', external_id: 'tx-1', metadata: { a: 1, b: { c: [1, 2] } } }),
    );
    assert.equal(draft.currency, 'JPY');
    assert.equal(draft.description, 'Coffee');
    assert.equal(draft.external_id, 'tx-1');
    assert.equal(draft.metadataJson, '{"a":1,"b":{"c":[1,2]}}');
  });

  test('anything but an object is invalid_record', () => {
    for (const input of [null, undefined, 1, 'x', [], [base], true]) {
      assert.equal(errorOf(validateRecordFields(input)).code, 'invalid_record');
    }
  });

  test('missing required fields are named', () => {
    for (const field of ['date', 'data_stream_key', 'amount', 'direction'] as const) {
      for (const value of [undefined, null]) {
        const input: Record<string, unknown> = { ...base, [field]: value };
        if (value === undefined) delete input[field];
        const error = errorOf(validateRecordFields(input));
        assert.equal(error.code, 'missing_required_field');
        assert.equal(error.field, field);
        assert.equal(error.message, `${field} is required`);
      }
    }
  });

  test('amounts: any safe integer; floats, strings and unsafe integers are refused', () => {
    for (const amount of [0, -1, 1, -9007199254740991, 9007199254740991, 1e3]) {
      assert.equal(draftOf(validateRecordFields({ ...base, amount })).amount, amount);
    }
    assert.ok(Object.is(draftOf(validateRecordFields({ ...base, amount: -0 })).amount, 0));
    for (const amount of [9007199254740992, -9007199254740992, 1.5, 0.1, '100', '1', NaN, Infinity, true, {}, [1]]) {
      const error = errorOf(validateRecordFields({ ...base, amount }));
      assert.equal(error.code, 'invalid_amount', String(amount));
      assert.equal(error.field, 'amount');
    }
  });

  test('direction', () => {
    for (const direction of ['CREDIT', 'Debit', 'cr', '', 1]) {
      assert.equal(errorOf(validateRecordFields({ ...base, direction })).code, 'invalid_direction');
    }
    assert.equal(draftOf(validateRecordFields({ ...base, direction: 'debit' })).direction, 'debit');
  });

  test('dates must be real calendar dates', () => {
    for (const date of ['2026-02-28', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) {
      assert.equal(draftOf(validateRecordFields({ ...base, date })).date, date);
    }
    for (const date of ['2026-02-29', '1900-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '0000-01-01', '2026-1-01', '2026/01/01', '20260101', '2026-01-01T00:00:00Z', ' 2026-01-01', '', 20260101]) {
      assert.equal(errorOf(validateRecordFields({ ...base, date })).code, 'invalid_date', String(date));
    }
  });

  test('currency', () => {
    assert.equal(draftOf(validateRecordFields({ ...base, currency: 'bhd' })).currency, 'BHD');
    for (const currency of ['XXX', 'ABC', 'usd ', 'US', '', null, 840, 'XAU']) {
      assert.equal(errorOf(validateRecordFields({ ...base, currency })).code, 'invalid_currency', String(currency));
    }
  });

  test('description and external_id limits count characters', () => {
    assert.equal(draftOf(validateRecordFields({ ...base, description: 'x'.repeat(1000) })).description?.length, 1000);
    assert.equal(draftOf(validateRecordFields({ ...base, description: '😀'.repeat(1000) })).description?.length, 2000);
    assert.equal(draftOf(validateRecordFields({ ...base, description: '' })).description, '');
    assert.equal(draftOf(validateRecordFields({ ...base, description: null })).description, null);
    assert.equal(errorOf(validateRecordFields({ ...base, description: 'x'.repeat(1001) })).code, 'invalid_description');
    assert.equal(errorOf(validateRecordFields({ ...base, description: '😀'.repeat(1001) })).code, 'invalid_description');
    assert.equal(errorOf(validateRecordFields({ ...base, description: 5 })).code, 'invalid_description');

    assert.equal(draftOf(validateRecordFields({ ...base, external_id: 'e'.repeat(255) })).external_id?.length, 255);
    for (const external_id of ['', 'e'.repeat(256), 12, {}]) {
      assert.equal(errorOf(validateRecordFields({ ...base, external_id })).code, 'invalid_external_id');
    }
  });

  test('metadata: a JSON object of at most 16 KiB (UTF-8 bytes)', () => {
    for (const metadata of [null, [], [1], 'x', 3, true]) {
      assert.equal(errorOf(validateRecordFields({ ...base, metadata })).code, 'invalid_metadata', JSON.stringify(metadata));
    }
    // {"k":"<n>"} is n + 8 bytes.
    const fits = { k: 'a'.repeat(16384 - 8) };
    assert.equal(Buffer.byteLength(JSON.stringify(fits)), 16384);
    assert.ok(validateRecordFields({ ...base, metadata: fits }).ok);
    assert.equal(errorOf(validateRecordFields({ ...base, metadata: { k: 'a'.repeat(16384 - 7) } })).code, 'invalid_metadata');
    // 'é' is two bytes: 6000 characters are 12,000+ bytes, fine; 8200 are over.
    assert.ok(validateRecordFields({ ...base, metadata: { k: 'é'.repeat(6000) } }).ok);
    const big = errorOf(validateRecordFields({ ...base, metadata: { k: 'é'.repeat(8200) } }));
    assert.equal(big.code, 'invalid_metadata');
    assert.ok(big.message.length < 200, 'the value is not echoed');
  });

  test('data_stream_key must be a string that could be a stream key; its other errors come first', () => {
    for (const data_stream_key of [5, '', 'has space', 'k'.repeat(65), 'nul\u0000', 'slash/no']) {
      assert.equal(errorOf(validateRecordFields({ ...base, data_stream_key })).code, 'unknown_data_stream', String(data_stream_key));
    }
    assert.equal(errorOf(validateRecordFields({ ...base, data_stream_key: 'has space', date: 'bad' })).code, 'invalid_date');
    assert.ok(isPossibleStreamKey('a.b:c_d-e'));
  });

  test('NUL, which PostgreSQL text cannot hold, is refused in description and external_id', () => {
    assert.equal(errorOf(validateRecordFields({ ...base, description: 'a\u0000' })).code, 'invalid_description');
    assert.equal(errorOf(validateRecordFields({ ...base, external_id: '\u0000' })).code, 'invalid_external_id');
    assert.ok(validateRecordFields({ ...base, metadata: { '\u0000': '\u0000' } }).ok, 'metadata JSON escapes it');
  });

  test('unknown fields are ignored', () => {
    assert.ok(validateRecordFields({ ...base, id: 5, decimal_places: 2, whatever: true }).ok);
  });

  test('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = validateRecordFields(input);
        assert.ok(result.ok || typeof result.error.message === 'string');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.record({ date: fc.anything(), amount: fc.anything(), direction: fc.anything(), data_stream_key: fc.anything(), metadata: fc.anything() }), (input) => {
        validateRecordFields(input);
      }),
      { numRuns: 2000 },
    );
  });

  test('any safe integer is accepted, any non-integer number refused', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (amount) => validateRecordFields({ ...base, amount }).ok));
    fc.assert(
      fc.property(fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)), (amount) => !validateRecordFields({ ...base, amount }).ok),
    );
  });
});

describe('date and date-time checks agree with the calendar', () => {
  test('isDate matches Date for every day of a few years', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d);
        const real = date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        return isDate(text) === real;
      }),
      { numRuns: 5000 },
    );
  });

  test('isDateTime', () => {
    for (const v of ['2026-01-31T09:30:00Z', '2026-01-31t09:30:00z', '2026-01-31T09:30:00.123456+05:30', '2026-01-31T23:59:60-00:00']) {
      assert.ok(isDateTime(v), v);
    }
    for (const v of ['2026-01-31T09:30:00', '2026-01-31 09:30:00Z', '2026-02-30T09:30:00Z', '2026-01-31T24:00:00Z', '2026-01-31T09:60:00Z', '2026-01-31T09:30:00.Z', '2026-01-31T09:30:00+0530', '2026-01-31T09:30:00+24:00', '2026-01-31T09:30Z', '2026-01-31']) {
      assert.ok(!isDateTime(v), v);
    }
  });
});

describe('checkMetadataAgainstDefinitions', () => {
  const defs = [
    { key: 'n', type: 'number' as const, optional: 1 },
    { key: 'd', type: 'date' as const, optional: 1 },
    { key: 'dt', type: 'datetime' as const, optional: 1 },
    { key: 's', type: 'string' as const, optional: 1 },
    { key: 'b', type: 'boolean' as const, optional: 1 },
  ];

  test('values of the right type pass; undefined keys are free', () => {
    assert.equal(checkMetadataAgainstDefinitions({ n: -1.5, d: '2026-01-31', dt: '2026-01-31T00:00:00Z', s: '', b: false, other: [1] }, defs), undefined);
    assert.equal(checkMetadataAgainstDefinitions({}, defs), undefined);
    assert.equal(checkMetadataAgainstDefinitions({ n: null }, defs), undefined, 'null is absent, and n is optional');
  });

  test('a wrong type is metadata_type_mismatch naming the key', () => {
    const cases: Array<[string, unknown]> = [
      ['n', '12'], ['n', true], ['d', '2026-02-30'], ['d', '2026-01-31T00:00:00Z'], ['dt', '2026-01-31'], ['dt', '2026-01-31T00:00:00'],
      ['s', 5], ['s', {}], ['b', 'true'], ['b', 0],
    ];
    for (const [key, value] of cases) {
      const error = checkMetadataAgainstDefinitions({ [key]: value }, defs);
      assert.equal(error?.code, 'metadata_type_mismatch', `${key}=${JSON.stringify(value)}`);
      assert.equal(error?.field, `metadata.${key}`);
    }
  });

  test('a non-optional definition makes its key required', () => {
    const required = [{ key: 'invoice', type: 'string' as const, optional: 0 }];
    assert.equal(checkMetadataAgainstDefinitions({}, required)?.code, 'metadata_required');
    assert.equal(checkMetadataAgainstDefinitions({ invoice: null }, required)?.code, 'metadata_required');
    assert.equal(checkMetadataAgainstDefinitions({ invoice: 'INV-1' }, required), undefined);
    // Inherited names are not metadata.
    assert.equal(checkMetadataAgainstDefinitions({}, [{ key: 'toString', type: 'string', optional: 0 }])?.code, 'metadata_required');
  });
});

describe('mergeMetadata', () => {
  test('merges keys one level deep; null removes', () => {
    const merged = mergeMetadata({ a: 1, b: { x: 1 }, c: 3 }, { b: { y: 2 }, c: null, d: 'new' });
    assert.deepEqual(JSON.parse(JSON.stringify(merged)), { a: 1, b: { y: 2 }, d: 'new' });
  });
  test('"__proto__" is an ordinary key', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = mergeMetadata({}, patch);
    assert.equal(JSON.stringify(merged), '{"__proto__":{"polluted":true}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
