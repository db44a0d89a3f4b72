import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CATALOGUE } from '../src/errors/catalogue.js';

// docs/errors.md is what client authors read; the catalogue is what the server sends. They must say the
// same thing, code for code, in the same order. The table is parsed here on its own, not regenerated, so
// a hand edit of the docs is caught as surely as a new code in the catalogue.

type Row = { code: string; status: number; message: string };

/** Splits a Markdown table row on the `|` that are not escaped, and undoes the escapes. */
function cells(line: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 1; i < line.length - 1; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length - 1) {
      current += line[++i];
    } else if (ch === '|') {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts;
}

function documented(): Row[] {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const start = doc.indexOf('<!-- catalogue:start -->');
  const end = doc.indexOf('<!-- catalogue:end -->');
  assert.ok(start >= 0 && end > start, 'docs/errors.md has the catalogue markers');
  const lines = doc.slice(start, end).split('\n').filter((l) => l.trim().startsWith('|'));
  assert.deepEqual(cells(lines[0]?.trim() ?? ''), ['code', 'status', 'message'], 'table header');
  return lines.slice(2).map((line) => {
    const [code = '', status = '', message = '', ...rest] = cells(line.trim());
    assert.equal(rest.length, 0, `three cells in: ${line}`);
    assert.match(code, /^`[a-z0-9_]+`$/, `code cell in: ${line}`);
    assert.match(status, /^\d{3}$/, `status cell in: ${line}`);
    return { code: code.slice(1, -1), status: Number(status), message };
  });
}

const catalogue: Row[] = Object.entries(CATALOGUE).map(([code, { status, message }]) => ({ code, status, message }));

test('every catalogue code is documented, and every documented code exists', () => {
  const docs = documented().map((r) => r.code);
  const codes = catalogue.map((r) => r.code);
  const hint = ' (run `npm run docs:errors`)';
  assert.deepEqual(codes.filter((c) => !docs.includes(c)), [], `codes missing from docs/errors.md${hint}`);
  assert.deepEqual(docs.filter((c) => !codes.includes(c)), [], `documented codes not in the catalogue${hint}`);
  assert.equal(new Set(docs).size, docs.length, 'each code documented once');
});

test('docs/errors.md lists the catalogue exactly: same order, statuses and messages', () => {
  assert.deepEqual(documented(), catalogue);
});

test('statuses are real HTTP error statuses', () => {
  for (const row of catalogue) assert.ok(row.status >= 400 && row.status <= 599, row.code);
});
