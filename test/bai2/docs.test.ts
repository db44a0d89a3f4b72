// docs/bai2.md must describe exactly what the code does: every layout table, error code, relaxation and
// metadata key.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BAI2_ERROR_CODES, BAI2_LAYOUTS, BAI2_RELAXATION_NAMES, detailToRecordFields, layoutMarkdown, parseBai2, type Bai2Event } from '../../src/formats/bai2/index.js';
import { REPO_ROOT } from '../support/shared.js';

const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'bai2.md'), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  assert.ok(start >= 0, `section ${title}`);
  const end = doc.indexOf('\n## ', start + 3);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/bai2.md matches the code', () => {
  for (const layout of BAI2_LAYOUTS) {
    test(`layout table: ${layout.title}`, () => {
      assert.ok(doc.includes(`### ${layout.title}\n\n${layoutMarkdown(layout)}\n`), `docs/bai2.md must show:\n### ${layout.title}\n\n${layoutMarkdown(layout)}`);
    });
  }

  test('every error code, with its meaning', () => {
    const errors = section('Errors');
    for (const [code, meaning] of Object.entries(BAI2_ERROR_CODES)) assert.ok(errors.includes(`| \`${code}\` | ${meaning} |`), code);
    const documented = [...errors.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), Object.keys(BAI2_ERROR_CODES).sort());
  });

  test('every relaxation', () => {
    const documented = [...section('Relaxations').matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), [...BAI2_RELAXATION_NAMES].sort());
  });

  test('every metadata key a record can carry, and the external_id shape', () => {
    const mapping = section('Mapping: one record per transaction detail');
    const documented = new Set([...mapping.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]));
    const file = [
      '01,SENDER,RECEIVER,250101,1200,7,,,2/',
      '02,RECEIVER,BANK,1,250101,,EUR,/',
      '03,12345678,,010,100,,/',
      '16,475,250,V,250102,1300,BREF,CREF,SOME TEXT/',
      '49,350,3/',
      '98,350,1,5/',
      '99,350,1,7/',
    ].join('\n');
    const { result, events } = parseBai2(file);
    assert.deepEqual(result.errors, []);
    const detail = events.find((e): e is Extract<Bai2Event, { type: 'detail' }> => e.type === 'detail')!;
    const fields = detailToRecordFields(detail.detail, detail.file, detail.group, detail.account);
    for (const key of Object.keys(fields.metadata)) assert.ok(documented.has(key), `metadata key ${key} is documented`);
    for (const key of ['date', 'amount', 'direction', 'currency', 'description', 'external_id', 'metadata']) assert.ok(documented.has(key), key);
    assert.match(fields.external_id, /^bai2:SENDER:2501011200:7:1\.1\.1:[0-9a-f]{16}$/);
    assert.deepEqual([fields.date, fields.amount, fields.direction, fields.currency, fields.description], ['2025-01-01', 250, 'debit', 'EUR', 'SOME TEXT']);
  });
});
