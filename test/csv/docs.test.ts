import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CSV_FILE_ERROR_CODES } from '../../src/formats/csv/errors.js';
import { CATALOGUE } from '../../src/errors/catalogue.js';

const doc = readFileSync(new URL('../../docs/csv.md', import.meta.url), 'utf8');

test('docs/csv.md lists every CSV file error code with its message, in order', () => {
  const start = doc.indexOf('<!-- csv-file-errors:start -->');
  const end = doc.indexOf('<!-- csv-file-errors:end -->');
  assert.ok(start >= 0 && end > start, 'docs/csv.md has the csv-file-errors markers');
  const rows = doc
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const match = /^\| `([a-z0-9_]+)` \| (.*) \|$/.exec(line);
      assert.ok(match, `row shape: ${line}`);
      return [match[1], match[2]];
    });
  assert.deepEqual(rows, Object.entries(CSV_FILE_ERROR_CODES));
});

test('every row error code docs/csv.md names is in the error catalogue', () => {
  const section = doc.slice(doc.indexOf('### Row errors'), doc.indexOf('## For developers'));
  const codes = [...section.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).filter((c) => c.includes('_') || c in CATALOGUE);
  assert.ok(codes.includes('invalid_row'));
  for (const code of codes) {
    if (['data_stream_key'].includes(code)) continue;
    assert.ok(code in CATALOGUE, `${code} is in src/errors/catalogue.ts`);
  }
});
