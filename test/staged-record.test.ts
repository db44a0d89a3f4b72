import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeStagedRecord, encodeStagedRecord, encodeSubmittedRecord, stagedRecordObject, type MappedRecord } from '../src/records/staged-record.js';
import { validateRecordFields, type ValidationResult } from '../src/records/validate-record.js';

// A staged record must be read exactly as the JSON object it stands for would be validated: same draft, or
// the same first error. These are the records file readers make, clean or not.

const text = fc.oneof(
  fc.constantFrom('', 'ACME PAYROLL', 'Müller & Söhne', '{brace', 'a\x1fb', 'line\nbreak', 'nul\u0000', 'lone \ud800', 'emoji 😀', ' padded '),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const record: fc.Arbitrary<MappedRecord> = fc.record({
  date: fc.oneof(fc.constantFrom('2026-01-31', '2024-02-29', '2026-02-30', '', '{2026', '"2026"', '2026-01-31\x1f', '31/01/2026'), fc.constant(null)),
  amount: fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 2 ** 53, 12.5, '8.855', 'NaN', 'Infinity'),
  ),
  direction: fc.constantFrom('credit', 'debit', 'CR', 'cred\x1fit'),
  currency: fc.constantFrom('USD', 'eur', 'JPY', 'XYZ', '', 'U\nSD'),
  description: fc.oneof(text, fc.constant(null), fc.constant('x'.repeat(1001))),
  external_id: fc.oneof(text, fc.constant(null), fc.constant('nacha:091000019:2601310930:A:091000010000001:0123456789abcdef')),
  metadata: fc.oneof(
    fc.dictionary(fc.constantFrom('sec_code', 'trace_number', 'batch_number', 'note'), fc.oneof(text, fc.integer(), fc.boolean())),
    fc.constant({ mark: '\udfff' }),
    fc.constant({ big: 'x'.repeat(17 * 1024) }),
  ),
}) as fc.Arbitrary<MappedRecord>;

/** Records of a JSON body: anything a client sends, fields missing, null, of the wrong type or unknown. */
/** A field: mostly one a valid record has (so the later checks are reached), else anything. */
const field = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: other }, { weight: 1, arbitrary: fc.constantFrom(undefined, null) });
const submitted: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        data_stream_key: field(fc.constantFrom('bank', 'cards'), fc.constantFrom('', 'bad key!', 'k\x1fey', 7)),
        date: field(fc.constant('2026-01-31'), fc.constantFrom('', '{x', 'x\ny', '2026-02-30')),
        amount: field(fc.integer(), fc.constantFrom(1.5, 2 ** 60, '100', 'NaN', true)),
        direction: field(fc.constantFrom('credit', 'debit'), fc.constantFrom('sideways', '')),
        currency: field(fc.constantFrom('USD', 'jpy'), fc.constantFrom('', 'US D', 'XYZ', 7)),
        description: field(text, fc.integer()),
        external_id: field(text, fc.integer()),
        metadata: field(
          fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null))),
          fc.constantFrom([1], 'm', { mark: '\udfff' }, { big: 'x'.repeat(17 * 1024) }),
        ),
        id: fc.constant('rec_1'),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, 7, 'record', [1, 2]) },
);

/** What the failed-rows download shows of an item: its contract fields, absent and null alike. */
const shown = (value: unknown) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const r = value as Record<string, unknown>;
  return ['date', 'data_stream_key', 'amount', 'currency', 'direction', 'description', 'external_id', 'metadata'].map((k) => r[k] ?? null);
};

function same(staged: ValidationResult, expected: ValidationResult) {
  assert.equal(staged.ok, expected.ok, JSON.stringify({ staged, expected }));
  if (!staged.ok || !expected.ok) return assert.deepEqual(staged, expected);
  const a = staged.draft;
  const b = expected.draft;
  for (const key of ['data_stream_key', 'date', 'amount', 'direction', 'currency', 'description', 'external_id', 'metadataJson'] as const) {
    assert.ok(Object.is(a[key], b[key]), `${key}: ${String(a[key])} against ${String(b[key])}`);
  }
  assert.deepEqual(a.metadata, b.metadata);
}

describe('staged records', () => {
  test('decode as the JSON object they stand for would validate: same draft or the same first error', () => {
    fc.assert(
      fc.property(record, fc.constantFrom('bank', 'bad key!'), (r, key) => {
        const payload = encodeStagedRecord(r, key);
        assert.ok(!payload.includes('\n'), 'a staged payload never holds a raw newline (segments are split on them)');
        same(decodeStagedRecord(payload, key), validateRecordFields(JSON.parse(JSON.stringify({ ...r, data_stream_key: key }))));
        assert.deepEqual(stagedRecordObject(payload, key), JSON.parse(JSON.stringify({ ...r, data_stream_key: key })));
      }),
      { numRuns: 3000 },
    );
  });

  test("a JSON body's records decode as the records sent would validate, and read back as they were sent", () => {
    fc.assert(
      fc.property(submitted, (generated) => {
        // As a parsed body holds it: JSON's own objects, no undefined fields.
        const value: unknown = JSON.parse(JSON.stringify(generated));
        const payload = encodeSubmittedRecord(value);
        assert.ok(!payload.includes('\n'));
        // The engine reads a JSON request's items with no stream of its own: each names its stream.
        same(decodeStagedRecord(payload, ''), validateRecordFields(value));
        assert.deepEqual(shown(stagedRecordObject(payload, '')), shown(value));
      }),
      { numRuns: 3000 },
    );
    const clean = encodeSubmittedRecord({ data_stream_key: 'bank', date: '2026-01-31', amount: 5, direction: 'debit' });
    assert.equal(clean, '2026-01-31\x1f5\x1fdebit\x1f\x1f\x1f\x1fbank\x1f', 'a clean record without optional fields');
  });

  test('a clean record takes the separated form, smaller than its JSON and without the stream key', () => {
    const r: MappedRecord = {
      date: '2026-01-31',
      amount: 125_00,
      direction: 'credit',
      currency: 'USD',
      description: 'JANE DOE',
      external_id: 'nacha:091000019:2601310930:A:091000010000001:0123456789abcdef',
      metadata: { sec_code: 'PPD', trace_number: '091000010000001', batch_number: 1 },
    };
    const payload = encodeStagedRecord(r, 'payroll');
    assert.ok(payload.includes('\x1f'));
    assert.ok(!payload.includes('payroll'));
    assert.ok(payload.length < JSON.stringify({ ...r, data_stream_key: 'payroll' }).length);
    const decoded = decodeStagedRecord(payload, 'payroll');
    assert.ok(decoded.ok);
    assert.equal(decoded.draft.metadataJson, JSON.stringify(r.metadata), 'the metadata text is stored as staged');
  });

  test('text the separated form cannot carry falls back to JSON, which still reads', () => {
    for (const description of ['a\x1fb', 'two\nlines', 'lone \udc00', '']) {
      const payload = encodeStagedRecord({ date: '2026-01-31', amount: 1, direction: 'debit', currency: 'USD', description, external_id: null, metadata: {} }, 'bank');
      assert.ok(!payload.includes('\x1f') && JSON.parse(payload).description === description, JSON.stringify(description));
    }
    const camt = encodeStagedRecord({ date: '2026-01-31', amount: '8.855', direction: 'debit', currency: 'EUR', description: null, external_id: 'x', metadata: {} }, 'bank');
    assert.equal(JSON.parse(camt).amount, '8.855', "camt.053's decimal text goes as JSON for its decoder to explain");
  });

  test('a corrupt payload is an error of Sluice, not a row failure', () => {
    assert.throws(() => decodeStagedRecord('2026-01-31\x1f100\x1fcredit\x1fUSD\x1f\x1f\x1f{}', 'bank'), /corrupt/);
  });
});
