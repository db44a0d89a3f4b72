import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planColumns, type CsvColumnPlan } from '../../src/formats/csv/columns.js';

function plan(header: string[], mapping?: Record<string, unknown>): CsvColumnPlan {
  const result = planColumns(header, { mapping });
  assert.ok(result.ok, `expected a plan, got ${JSON.stringify(result.ok ? null : result.errors.map((e) => e.toJSON()))}`);
  return result.plan;
}

function errors(header: string[], mapping?: unknown, headerLine?: number) {
  const result = planColumns(header, { mapping: mapping as Record<string, unknown>, headerLine });
  assert.ok(!result.ok, 'expected errors');
  return result.errors.map((e) => e.toJSON());
}

describe('planColumns', () => {
  test('known columns by name, trimmed and case-insensitive; the rest to metadata', () => {
    const p = plan([' Date ', 'AMOUNT', 'Direction', 'currency', 'Description', 'External_ID', 'metadata.Invoice', 'Branch Code']);
    assert.deepEqual(
      { date: p.date, amount: p.amount, direction: p.direction, currency: p.currency, description: p.description, external_id: p.external_id },
      { date: 0, amount: 1, direction: 2, currency: 3, description: 4, external_id: 5 },
    );
    assert.deepEqual(p.metadata, [
      [6, 'Invoice'],
      [7, 'Branch Code'],
    ]);
    assert.equal(p.columns, 8);
    assert.deepEqual(p.unnamed, []);
    assert.deepEqual(p.header, [' Date ', 'AMOUNT', 'Direction', 'currency', 'Description', 'External_ID', 'metadata.Invoice', 'Branch Code']);
  });

  test('only date and amount are required', () => {
    const p = plan(['amount', 'date']);
    assert.equal(p.direction, -1);
    assert.equal(p.currency, -1);
    assert.equal(p.description, -1);
    assert.equal(p.external_id, -1);
  });

  test('missing required columns: one error each, on the header line, naming the column', () => {
    assert.deepEqual(
      errors(['description', 'memo'], undefined, 3).map((e) => [e.code, e.line, e.field]),
      [
        ['missing_column', 3, 'date'],
        ['missing_column', 3, 'amount'],
      ],
    );
    assert.match(errors(['date'])[0]!.message, /no "amount" column/);
  });

  test('mapping names differently named columns, case-insensitively; the plan survives JSON', () => {
    const p = plan(['Posted On', 'Value', 'Memo', 'Ref', 'date'], { date: 'posted on', amount: ' VALUE ', description: 'Memo', 'metadata.reference': 'ref' });
    assert.equal(p.date, 0);
    assert.equal(p.amount, 1);
    assert.equal(p.description, 2);
    // The mapped column goes to metadata under the mapped key; the literal "date" column is not the date.
    assert.deepEqual(p.metadata, [
      [3, 'reference'],
      [4, 'date'],
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  });

  test('mapping errors are file errors naming the field', () => {
    assert.deepEqual(
      errors(['date', 'value'], { amount: 'amt' }).map((e) => [e.code, e.field]),
      [['mapping_column_not_found', 'amount']],
    );
    assert.deepEqual(
      errors(['date', 'amount'], { amout: 'amount' }).map((e) => [e.code, e.field]),
      [['invalid_mapping', 'amout']],
    );
    assert.deepEqual(
      errors(['date', 'amount'], { description: 7 }).map((e) => [e.code, e.field]),
      [['invalid_mapping', 'description']],
    );
    assert.deepEqual(
      errors(['d', 'a'], { date: 'd', amount: 'd' }).map((e) => e.code),
      ['invalid_mapping'],
    );
    assert.deepEqual(errors(['date', 'amount'], ['date']).map((e) => e.code), ['invalid_mapping']);
    assert.deepEqual(errors(['date', 'amount'], { 'metadata.': 'date' }).map((e) => e.code), ['invalid_mapping']);
  });

  test('duplicate header names are a file error (case-insensitive, trimmed)', () => {
    const found = errors(['date', 'amount', 'Memo', ' memo']);
    assert.deepEqual(found.map((e) => [e.code, e.field]), [['duplicate_column', 'memo']]);
    assert.match(found[0]!.message, /columns 3 and 4/);
    assert.deepEqual(errors(['date', 'Date', 'amount']).map((e) => e.code), ['duplicate_column']);
  });

  test('two columns that would write one metadata key are a file error', () => {
    assert.deepEqual(errors(['date', 'amount', 'metadata.ref', 'ref']).map((e) => [e.code, e.field]), [['duplicate_column', 'ref']]);
  });

  test('columns with an empty header cell are remembered as unnamed', () => {
    const p = plan(['date', '', 'amount', '  ']);
    assert.deepEqual(p.unnamed, [1, 3]);
    assert.deepEqual(p.metadata, []);
  });

  test('metadata. with nothing after it is a plain name; metadata.<key> keeps the key as written', () => {
    const p = plan(['date', 'amount', 'metadata.', 'METADATA. Cost Center ']);
    assert.deepEqual(p.metadata, [
      [2, 'metadata.'],
      [3, 'Cost Center'],
    ]);
  });

  test('__proto__ and friends are ordinary keys', () => {
    const p = plan(['date', 'amount', '__proto__', 'constructor']);
    assert.deepEqual(p.metadata, [
      [2, '__proto__'],
      [3, 'constructor'],
    ]);
  });
});
