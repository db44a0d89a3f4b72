import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { planColumns, type CsvColumnPlan } from '../../src/formats/csv/columns.js';
import { readCsv } from '../../src/formats/csv/reader.js';
import { csvRowToRecord, type CsvRowContext, type CsvRowResult } from '../../src/formats/csv/row.js';
import { validateRecordFields } from '../../src/records/validate-record.js';

const HEADER = ['date', 'amount', 'direction', 'currency', 'description', 'external_id', 'metadata.category', 'branch'];
const plan = (header = HEADER, mapping?: Record<string, string>): CsvColumnPlan => {
  const result = planColumns(header, { mapping });
  assert.ok(result.ok);
  return result.plan;
};
const ctx: CsvRowContext = { dataStreamKey: 'bank', amountUnit: 'major' };

function row(values: Partial<Record<string, string>>, context: CsvRowContext = ctx, header = HEADER): CsvRowResult {
  const cells = header.map((h) => values[h] ?? '');
  return csvRowToRecord(plan(header), cells, context);
}

function ok(result: CsvRowResult) {
  assert.ok(result.ok, `expected a record, got ${JSON.stringify(result.ok ? null : result.error)}`);
  return result.draft;
}

function error(result: CsvRowResult) {
  assert.ok(!result.ok, `expected an error, got ${JSON.stringify(result.ok ? result.draft : null)}`);
  return result.error;
}

describe('csvRowToRecord', () => {
  test('a full row becomes the draft validateRecordFields makes of the same record', () => {
    const draft = ok(
      row({ date: '2026-01-05', amount: '$1,234.56', direction: 'CR', currency: 'usd', description: ' Coffee ', external_id: 'txn-1', 'metadata.category': 'food', branch: 'Soho' }),
    );
    const same = validateRecordFields({
      data_stream_key: 'bank',
      date: '2026-01-05',
      amount: 123456,
      direction: 'credit',
      currency: 'USD',
      description: 'Coffee',
      external_id: 'txn-1',
      metadata: { category: 'food', branch: 'Soho' },
    });
    assert.ok(same.ok);
    assert.deepEqual(draft, same.draft);
    assert.equal(draft.metadataJson, '{"category":"food","branch":"Soho"}');
  });

  test('the sign decides the direction when there is no direction, and the magnitude is stored', () => {
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '-12.34' }))), { amount: 1234, direction: 'debit' });
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '(12.34)' }))), { amount: 1234, direction: 'debit' });
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '+5' }))), { amount: 500, direction: 'credit' });
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '0.00' }))), { amount: 0, direction: 'credit' });
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '-0.00' }))), { amount: 0, direction: 'credit' });
    const noDirectionColumn = ['date', 'amount'];
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '-7' }, ctx, noDirectionColumn))), { amount: 700, direction: 'debit' });
  });

  test('direction column: credit/debit/CR/DR in any case', () => {
    for (const [text, direction] of [
      ['credit', 'credit'],
      ['Credit', 'credit'],
      ['CREDIT', 'credit'],
      ['cr', 'credit'],
      ['CR', 'credit'],
      ['debit', 'debit'],
      ['DeBiT', 'debit'],
      ['dr', 'debit'],
      [' DR ', 'debit'],
    ] as const) {
      assert.equal(ok(row({ date: '2026-01-05', amount: '1', direction: text })).direction, direction, text);
    }
    const bad = error(row({ date: '2026-01-05', amount: '1', direction: 'C' }));
    assert.deepEqual([bad.code, bad.field], ['invalid_direction', 'direction']);
  });

  test('a negative amount with a filled direction is a row error, not a guess', () => {
    for (const direction of ['debit', 'credit']) {
      const e = error(row({ date: '2026-01-05', amount: '-5', direction }));
      assert.deepEqual([e.code, e.field], ['invalid_amount', 'amount']);
      assert.match(e.message, /negative while direction says/);
    }
    assert.equal(error(row({ date: '2026-01-05', amount: '(5)', direction: 'DR' })).code, 'invalid_amount');
  });

  test('currency: the column, else the default, else USD; decimals follow the currency', () => {
    assert.deepEqual(pickC(ok(row({ date: '2026-01-05', amount: '1,234', currency: 'JPY' }))), { amount: 1234, currency: 'JPY' });
    assert.deepEqual(pickC(ok(row({ date: '2026-01-05', amount: '1.234', currency: 'bhd' }))), { amount: 1234, currency: 'BHD' });
    assert.deepEqual(pickC(ok(row({ date: '2026-01-05', amount: '1.5' }, { ...ctx, defaultCurrency: 'EUR' }))), { amount: 150, currency: 'EUR' });
    assert.deepEqual(pickC(ok(row({ date: '2026-01-05', amount: '1.5', currency: 'GBP' }, { ...ctx, defaultCurrency: 'EUR' }))), {
      amount: 150,
      currency: 'GBP',
    });
    assert.deepEqual(pickC(ok(row({ date: '2026-01-05', amount: '1.5' }))), { amount: 150, currency: 'USD' });
    const jpy = error(row({ date: '2026-01-05', amount: '1.5', currency: 'JPY' }));
    assert.deepEqual([jpy.code, jpy.field], ['invalid_amount', 'amount']);
    assert.match(jpy.message, /JPY has no decimal places/);
    const unknown = error(row({ date: '2026-01-05', amount: '1', currency: 'XXX' }));
    assert.deepEqual([unknown.code, unknown.field], ['invalid_currency', 'currency']);
  });

  test('too many decimals is invalid_amount with a clear message', () => {
    const e = error(row({ date: '2026-01-05', amount: '12.345' }));
    assert.deepEqual([e.code, e.field], ['invalid_amount', 'amount']);
    assert.match(e.message, /3 decimal places but USD has 2/);
  });

  test('amount_unit=minor reads whole minor units', () => {
    const minor = { ...ctx, amountUnit: 'minor' as const };
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '123456' }, minor))), { amount: 123456, direction: 'credit' });
    assert.deepEqual(pick(ok(row({ date: '2026-01-05', amount: '-250', currency: 'BHD' }, minor))), { amount: 250, direction: 'debit' });
    assert.equal(error(row({ date: '2026-01-05', amount: '12.34' }, minor)).code, 'invalid_amount');
  });

  test('dates: YYYY-MM-DD by default; MM/DD/YYYY and DD/MM/YYYY only when named', () => {
    assert.equal(ok(row({ date: ' 2026-02-28 ', amount: '1' })).date, '2026-02-28');
    const e = error(row({ date: '02/28/2026', amount: '1' }));
    assert.deepEqual([e.code, e.field], ['invalid_date', 'date']);
    assert.match(e.message, /date_format/);
    assert.equal(error(row({ date: '2026-02-29', amount: '1' })).code, 'invalid_date');
    const us = { ...ctx, dateFormat: 'MM/DD/YYYY' as const };
    assert.equal(ok(row({ date: '02/28/2026', amount: '1' }, us)).date, '2026-02-28');
    assert.equal(ok(row({ date: '2/3/2026', amount: '1' }, us)).date, '2026-02-03');
    assert.equal(error(row({ date: '28/02/2026', amount: '1' }, us)).code, 'invalid_date');
    assert.equal(error(row({ date: '2026-02-28', amount: '1' }, us)).code, 'invalid_date');
    const eu = { ...ctx, dateFormat: 'DD/MM/YYYY' as const };
    assert.equal(ok(row({ date: '28/02/2026', amount: '1' }, eu)).date, '2026-02-28');
    assert.equal(ok(row({ date: '29/02/2024', amount: '1' }, eu)).date, '2024-02-29');
    for (const bad of ['29/02/2026', '1/1/26', '01/01/20260', '001/01/2026', '0/1/2026', '1/0/2026', 'aa/bb/cccc', '01-02-2026', '1/2/2026/']) {
      assert.equal(error(row({ date: bad, amount: '1' }, eu)).code, 'invalid_date', bad);
    }
  });

  test('empty required cells are missing_required_field', () => {
    assert.deepEqual(pickE(error(row({ date: '', amount: '1' }))), ['missing_required_field', 'date']);
    assert.deepEqual(pickE(error(row({ date: '2026-01-05', amount: '  ' }))), ['missing_required_field', 'amount']);
  });

  test('wrong number of fields is invalid_row', () => {
    const p = plan();
    const fewer = csvRowToRecord(p, ['2026-01-05', '1'], ctx);
    assert.ok(!fewer.ok);
    assert.equal(fewer.error.code, 'invalid_row');
    assert.match(fewer.error.message, /2 fields but the header has 8/);
    const more = csvRowToRecord(p, [...HEADER.map(() => ''), 'x'], ctx);
    assert.ok(!more.ok);
    assert.equal(more.error.code, 'invalid_row');
  });

  test('a value under an unnamed column is invalid_row; an empty one is fine', () => {
    const header = ['date', '', 'amount'];
    const p = plan(header);
    assert.ok(csvRowToRecord(p, ['2026-01-05', '', '1'], ctx).ok);
    const bad = csvRowToRecord(p, ['2026-01-05', 'x', '1'], ctx);
    assert.ok(!bad.ok);
    assert.equal(bad.error.code, 'invalid_row');
  });

  test('description and external_id are trimmed; empty means none', () => {
    const draft = ok(row({ date: '2026-01-05', amount: '1', description: '  ', external_id: '' }));
    assert.equal(draft.description, null);
    assert.equal(draft.external_id, null);
    assert.equal(ok(row({ date: '2026-01-05', amount: '1', external_id: ' id-1 ' })).external_id, 'id-1');
  });

  test('metadata: values as written, empty cells left out, metadata.<name> and other columns alike', () => {
    const draft = ok(row({ date: '2026-01-05', amount: '1', 'metadata.category': ' spaced ', branch: '' }));
    assert.deepEqual(draft.metadata, { category: ' spaced ' });
    assert.deepEqual(ok(row({ date: '2026-01-05', amount: '1' })).metadata, {});
  });

  test('metadata key __proto__ is stored as a key, not as a prototype', () => {
    const draft = ok(csvRowToRecord(plan(['date', 'amount', '__proto__']), ['2026-01-05', '1', 'x'], ctx));
    assert.equal(Object.getPrototypeOf(draft.metadata), Object.prototype);
    assert.equal(draft.metadataJson, '{"__proto__":"x"}');
  });

  test('property types turn number and boolean metadata into JSON numbers and booleans', () => {
    const header = ['date', 'amount', 'count', 'flag', 'note', 'odd'];
    const context = { ...ctx, propertyTypes: { count: 'number', flag: 'boolean', note: 'string', odd: 'number' } as const };
    const draft = ok(row({ date: '2026-01-05', amount: '1', count: ' 12.5 ', flag: 'TRUE', note: '42', odd: '1,5' }, context, header));
    assert.deepEqual(draft.metadata, { count: 12.5, flag: true, note: '42', odd: '1,5' });
  });

  test('the rules of validateRecordFields apply unchanged', () => {
    assert.deepEqual(pickE(error(row({ date: '2026-01-05', amount: '1', description: 'x'.repeat(1001) }))), ['invalid_description', 'description']);
    assert.deepEqual(pickE(error(row({ date: '2026-01-05', amount: '1', external_id: 'x'.repeat(256) }))), ['invalid_external_id', 'external_id']);
    assert.deepEqual(pickE(error(row({ date: '2026-01-05', amount: '1', branch: 'x'.repeat(17_000) }))), ['invalid_metadata', 'metadata']);
    assert.deepEqual(pickE(error(row({ date: '2026-01-05', amount: '1', description: 'a\u0000b' }))), ['invalid_description', 'description']);
    assert.deepEqual(pickE(error(row({ date: '2026-01-05', amount: '1' }, { ...ctx, dataStreamKey: 'no spaces allowed' }))), [
      'unknown_data_stream',
      'data_stream_key',
    ]);
  });

  test('the first problem wins, in a fixed order', () => {
    // date before currency before amount before direction
    assert.equal(error(row({ date: 'x', amount: 'x', currency: 'x', direction: 'x' })).code, 'invalid_date');
    assert.equal(error(row({ date: '2026-01-05', amount: 'x', currency: 'x', direction: 'x' })).code, 'invalid_currency');
    assert.equal(error(row({ date: '2026-01-05', amount: 'x', direction: 'x' })).code, 'invalid_amount');
    assert.equal(error(row({ date: '2026-01-05', amount: '1', direction: 'x' })).code, 'invalid_direction');
  });
});

describe('fixture files end to end', () => {
  async function convert(file: string, options: { delimiter?: ',' | ';' | '\t' | '|'; mapping?: Record<string, string> }, context: Omit<CsvRowContext, 'dataStreamKey'>) {
    const input = readFileSync(new URL(`../fixtures/csv/${file}`, import.meta.url));
    const out: Array<{ row: number; result: CsvRowResult }> = [];
    let p: CsvColumnPlan | undefined;
    for await (const batch of readCsv([input], { delimiter: options.delimiter })) {
      for (const r of batch) {
        if (!p) {
          const planned = planColumns(r.cells, { mapping: options.mapping, headerLine: r.rowNumber });
          assert.ok(planned.ok, JSON.stringify(planned));
          p = planned.plan;
          continue;
        }
        out.push({ row: r.rowNumber, result: csvRowToRecord(p, r.cells, { dataStreamKey: 'bank', ...context }) });
      }
    }
    return out.map(({ row, result }) =>
      result.ok
        ? { row, date: result.draft.date, amount: result.draft.amount, direction: result.draft.direction, currency: result.draft.currency, description: result.draft.description, external_id: result.draft.external_id, metadata: result.draft.metadata }
        : { row, error: result.error.code },
    );
  }

  test('bank-export.csv: a spreadsheet export (BOM, CRLF, quoted newline, $ and parentheses, CR/DR, mapping)', async () => {
    const rows = await convert('bank-export.csv', { mapping: { external_id: 'External ID' } }, { amountUnit: 'major' });
    assert.deepEqual(rows, [
      { row: 2, date: '2026-01-05', amount: 450, direction: 'debit', currency: 'USD', description: 'Coffee, "Blue Door"', external_id: 'txn-1', metadata: { category: 'food', Branch: 'Soho' } },
      { row: 3, date: '2026-01-05', amount: 325000, direction: 'credit', currency: 'USD', description: 'Salary\nJanuary', external_id: 'txn-2', metadata: { category: 'payroll' } },
      { row: 5, date: '2026-01-06', amount: 1234, direction: 'debit', currency: 'USD', description: 'Refund', external_id: 'txn-3', metadata: { Branch: 'Soho' } },
      { row: 7, date: '2026-01-07', amount: 2500, direction: 'debit', currency: 'USD', description: 'Wire fee', external_id: 'txn-4', metadata: { category: 'fees' } },
      { row: 8, error: 'invalid_amount' },
      { row: 9, error: 'invalid_row' },
    ]);
  });

  test('semicolon-dmy.csv: ; delimiter, DD/MM/YYYY, every column mapped', async () => {
    const rows = await convert(
      'semicolon-dmy.csv',
      { delimiter: ';', mapping: { date: 'Buchungstag', amount: 'Betrag', description: 'Verwendungszweck', currency: 'Waehrung', external_id: 'Referenz' } },
      { amountUnit: 'major', dateFormat: 'DD/MM/YYYY' },
    );
    assert.deepEqual(rows, [
      { row: 2, date: '2026-01-31', amount: 123456, direction: 'debit', currency: 'EUR', description: 'Miete Januar', external_id: 'R-1', metadata: {} },
      { row: 3, date: '2026-02-01', amount: 9900, direction: 'credit', currency: 'EUR', description: 'Gutschrift', external_id: 'R-2', metadata: {} },
      { row: 4, error: 'invalid_date' },
    ]);
  });

  test('minor-units.tsv: tab delimiter, amount_unit=minor, JPY and BHD', async () => {
    const rows = await convert('minor-units.tsv', { delimiter: '\t' }, { amountUnit: 'minor' });
    assert.deepEqual(rows, [
      { row: 2, date: '2026-03-01', amount: 1500, direction: 'credit', currency: 'JPY', description: 'lunch', external_id: null, metadata: {} },
      { row: 3, date: '2026-03-02', amount: 250, direction: 'debit', currency: 'BHD', description: 'refund', external_id: null, metadata: {} },
      { row: 4, error: 'invalid_amount' },
    ]);
  });
});

function pick(draft: { amount: number; direction: string }) {
  return { amount: draft.amount, direction: draft.direction };
}
function pickC(draft: { amount: number; currency: string }) {
  return { amount: draft.amount, currency: draft.currency };
}
function pickE(e: { code: string; field?: string }) {
  return [e.code, e.field];
}
