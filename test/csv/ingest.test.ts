import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvItemDecoder, decodeCsvRow, encodeCsvRow, ingestCsv } from '../../src/formats/csv/ingest.js';
import type { CsvRowResult } from '../../src/formats/csv/row.js';
import { bytes, cut } from './support.js';

async function ingest(text: string | Buffer[], options = {}) {
  const staged: Array<[number, string]> = [];
  const result = await ingestCsv(typeof text === 'string' ? [bytes(text)] : text, options, (line, payload) => {
    staged.push([line, payload]);
    return undefined;
  });
  return { result, staged };
}

describe('ingestCsv', () => {
  test('header -> plan, every data row staged with its line number and cells', async () => {
    const { result, staged } = await ingest('\n\ndate,amount,memo\n2026-01-01,1,"a\nb"\n2026-01-02,2,c\n');
    assert.ok(result.ok);
    assert.equal(result.rows, 2);
    assert.equal(result.plan.date, 0);
    assert.deepEqual(result.plan.metadata, [[2, 'memo']]);
    assert.deepEqual(staged, [
      [4, '["2026-01-01","1","a\\nb"]'],
      [6, '["2026-01-02","2","c"]'],
    ]);
  });

  test('a header without required columns fails before any row is staged, on the header line', async () => {
    const { result, staged } = await ingest('\ndescription,memo\nx,y\n');
    assert.ok(!result.ok);
    assert.deepEqual(
      result.errors.map((e) => e.toJSON()).map((e) => [e.code, e.line, e.field]),
      [
        ['missing_column', 2, 'date'],
        ['missing_column', 2, 'amount'],
      ],
    );
    assert.deepEqual(staged, []);
  });

  test('mapping reaches the plan; a mapping to a missing header is a file error', async () => {
    const good = await ingest('Posted,Value\n2026-01-01,1\n', { mapping: { date: 'posted', amount: 'value' } });
    assert.ok(good.result.ok);
    const bad = await ingest('Posted,Value\n2026-01-01,1\n', { mapping: { date: 'when', amount: 'value' } });
    assert.ok(!bad.result.ok);
    assert.deepEqual(bad.result.errors.map((e) => [e.code, e.field]), [['mapping_column_not_found', 'date']]);
  });

  test('an empty file is a file error', async () => {
    for (const text of ['', '\n\n', '\ufeff', ',,,\n']) {
      const { result } = await ingest(text);
      assert.ok(!result.ok, JSON.stringify(text));
      assert.equal(result.errors[0]!.code, 'empty_file');
    }
  });

  test('a header-only file is fine and has no rows', async () => {
    const { result } = await ingest('date,amount\n');
    assert.ok(result.ok);
    assert.equal(result.rows, 0);
  });

  test('reader errors come back as file errors; source errors are thrown as they are', async () => {
    const { result } = await ingest('date,amount\n2026-01-01,"1\n');
    assert.ok(!result.ok);
    assert.deepEqual(result.errors.map((e) => [e.code, e.line]), [['unclosed_quote', 2]]);

    class Boom extends Error {}
    async function* failing() {
      yield bytes('date,amount\n');
      throw new Boom('connection reset');
    }
    await assert.rejects(ingestCsv(failing(), {}, () => undefined), Boom);
  });

  test('a slow sink holds the reading back (backpressure)', async () => {
    let pulled = 0;
    const lines = ['date,amount\n', ...Array.from({ length: 5000 }, (_, i) => `2026-01-01,${i}\n`)];
    const source = (async function* () {
      for (const line of cut(bytes(lines.join('')), [4096])) {
        pulled++;
        yield line;
      }
    })();
    let staged = 0;
    let maxAhead = 0;
    const result = await ingestCsv(source, { batchRows: 100 }, async () => {
      staged++;
      if (staged % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      maxAhead = Math.max(maxAhead, pulled * 4096 - staged * 15);
    });
    assert.ok(result.ok);
    assert.equal(staged, 5000);
    // The reader never ran far ahead of the sink: at most a scan's worth of input (64 KiB) plus a chunk.
    assert.ok(maxAhead < 200 * 1024, `read ${maxAhead} bytes ahead`);
  });
});

describe('csvItemDecoder', () => {
  test('decodes staged rows with the plan', async () => {
    const { result, staged } = await ingest('date,amount,currency\n2026-01-01,"$1,234.56",\n2026-01-02,12.345,\n2026-01-03\n');
    assert.ok(result.ok);
    const decode = csvItemDecoder(JSON.parse(JSON.stringify(result.plan)), { dataStreamKey: 'bank', amountUnit: 'major', defaultCurrency: 'EUR' });
    const [first, second, third] = staged.map(([, payload]) => decode(payload)) as [CsvRowResult, CsvRowResult, CsvRowResult];
    assert.ok(first.ok);
    assert.deepEqual([first.draft.amount, first.draft.currency, first.draft.direction], [123456, 'EUR', 'credit']);
    assert.ok(!second.ok);
    assert.equal(second.error.code, 'invalid_amount');
    assert.ok(!third.ok);
    assert.equal(third.error.code, 'invalid_row');
  });

  test('payload encoding round-trips any cells; anything else is refused without throwing', () => {
    const cells = ['a', '', '"q"', 'line\nbreak', '\u0000', '😀'];
    assert.deepEqual(decodeCsvRow(encodeCsvRow(cells)), cells);
    for (const bad of ['', '{', '{}', '[1]', 'null']) assert.equal(decodeCsvRow(bad), undefined);
  });
});
