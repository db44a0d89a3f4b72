// docs/nacha.md must describe exactly what the code does: every layout table, error code, relaxation,
// transaction code and metadata key. Regenerate a layout table with layoutMarkdown() when a field changes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  entryToRecordFields,
  layoutMarkdown,
  CHANGE_CODES,
  NACHA_ERROR_CODES,
  NACHA_LAYOUTS,
  NACHA_WARNING_CODES,
  RETURN_REASON_CODES,
  parseNacha,
  RELAXATION_NAMES,
  SEC_CODES,
} from '../../src/formats/nacha/index.js';
import { knownTransactionCodes } from '../../src/formats/nacha/transaction-codes.js';
import { readFixture, repoRoot } from './testdata.js';

const doc = readFileSync(path.join(repoRoot, 'docs', 'nacha.md'), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  assert.ok(start >= 0, `section ${title}`);
  const end = doc.indexOf('\n## ', start + 3);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/nacha.md matches the code', () => {
  for (const { title, layout } of NACHA_LAYOUTS) {
    test(`layout table: ${title}`, () => {
      assert.ok(doc.includes(`### ${title}\n\n${layoutMarkdown(layout)}\n`), `docs/nacha.md must show:\n### ${title}\n\n${layoutMarkdown(layout)}`);
    });
  }

  test('every error code, with its meaning', () => {
    const errors = section('Errors');
    for (const [code, meaning] of Object.entries(NACHA_ERROR_CODES)) assert.ok(errors.includes(`| \`${code}\` | ${meaning} |`), code);
    const documented = [...errors.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), Object.keys(NACHA_ERROR_CODES).sort());
  });

  test('every relaxation', () => {
    const relaxations = section('Relaxations');
    const documented = [...relaxations.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), [...RELAXATION_NAMES].sort());
  });

  test('every transaction code and SEC code', () => {
    const codes = section('Record layouts');
    const table = codes.slice(codes.indexOf('### Transaction codes'));
    const documented = new Set([...table.matchAll(/\b(\d{2})\b/g)].map((m) => Number(m[1])));
    for (const code of knownTransactionCodes()) assert.ok(documented.has(code), `transaction code ${code}`);
    for (const sec of SEC_CODES) assert.ok(section('Validations: errors and warnings').includes(sec), sec);
  });

  test('every warning code, with its meaning', () => {
    const warnings = section('Warnings');
    for (const [code, meaning] of Object.entries(NACHA_WARNING_CODES)) assert.ok(warnings.includes(`| \`${code}\` | ${meaning} |`), code);
    const documented = [...warnings.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), Object.keys(NACHA_WARNING_CODES).sort());
  });

  test('the rules table gives every code one severity: E for errors, W for warnings', () => {
    const rules = section('Validations: errors and warnings');
    const severity = new Map<string, Set<string>>();
    for (const row of rules.matchAll(/^\|.*\| ((?:`[a-z_]+`(?:, )?)+) \| ([EW]) \|$/gm)) {
      for (const code of row[1]!.matchAll(/`([a-z_]+)`/g)) {
        const set = severity.get(code[1]!) ?? new Set<string>();
        set.add(row[2]!);
        severity.set(code[1]!, set);
      }
    }
    for (const code of Object.keys(NACHA_ERROR_CODES)) assert.deepEqual([...(severity.get(code) ?? [])], ['E'], code);
    for (const code of Object.keys(NACHA_WARNING_CODES)) assert.deepEqual([...(severity.get(code) ?? [])], ['W'], code);
    assert.deepEqual([...severity.keys()].sort(), [...Object.keys(NACHA_ERROR_CODES), ...Object.keys(NACHA_WARNING_CODES)].sort());
  });

  test('every return reason code and change code', () => {
    const codes = section('Return reason and change codes');
    const rows = (prefix: string) => [...codes.matchAll(new RegExp(`^\\| (${prefix}\\d{2}) \\| (.+) \\|$`, 'gm'))].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows('R'), Object.entries(RETURN_REASON_CODES));
    assert.deepEqual(rows('C'), Object.entries(CHANGE_CODES));
  });

  test('every metadata key', () => {
    const mapping = section('From entry to record (SPEC section 5)');
    const result = parseNacha(readFixture('non-monetary.ach'));
    const crlf = parseNacha(readFixture('crlf.ach'));
    const keys = new Set<string>();
    for (const r of [result, crlf]) {
      for (const entry of r.entries) for (const key of Object.keys(entryToRecordFields(entry, r.fileHeader!).metadata)) keys.add(key);
    }
    const documented = [...mapping.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]!).filter((k) => !['amount', 'currency', 'direction', 'date', 'description', 'external_id', 'metadata'].includes(k));
    assert.deepEqual([...keys].sort(), documented.sort());
  });
});
