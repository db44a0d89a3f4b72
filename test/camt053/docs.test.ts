// docs/camt053.md must describe exactly what the code does: every error and warning code with its meaning,
// and every metadata key a record can carry.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CAMT053_ERROR_CODES, CAMT053_WARNING_CODES, entryToRecordFields, parseCamt053 } from '../../src/formats/camt053/index.js';
import { REPO_ROOT } from '../support/shared.js';
import { writeMessage } from './writer.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'camt053.md'), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `section ${title}`);
  const end = doc.indexOf('\n## ', start + 4);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/camt053.md matches the code', () => {
  for (const [title, codes] of [['Errors', CAMT053_ERROR_CODES], ['Warnings', CAMT053_WARNING_CODES]] as const) {
    test(`every ${title.toLowerCase().slice(0, -1)} code, with its meaning`, () => {
      const part = section(title);
      for (const [code, meaning] of Object.entries(codes)) assert.ok(part.includes(`| \`${code}\` | ${meaning} |`), code);
      const documented = [...part.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
      assert.deepEqual(documented.sort(), Object.keys(codes).sort());
    });
  }

  test('every metadata key a record can carry is in the mapping table', () => {
    // An entry with everything Sluice maps, split into two details, and one reversed single-detail entry.
    const text = writeMessage({
      version: '08',
      messageId: 'DOCS',
      statements: [
        {
          id: 'S',
          iban: 'DE89370400440532013000',
          sequence: '7',
          balances: [],
          entries: [
            {
              amount: '3.00', currency: 'EUR', direction: 'CRDT', ref: 'R1', acctSvcrRef: 'A1', domain: ['PMNT', 'RCDT', 'ESCT'], proprietary: 'P1', valueDate: '2024-01-16',
              details: [
                { amount: '1.00', endToEndId: 'E1', debtorName: 'D', debtorIban: 'NL91ABNA0417164300', creditorRef: 'RF18' },
                { amount: '2.00', endToEndId: 'E2', debtorName: 'D2' },
              ],
            },
            { amount: '1.00', currency: 'EUR', direction: 'DBIT', reversal: true, details: [{ creditorName: 'C', creditorIban: 'FR1420041010050500013M02606', ustrd: ['x'] }] },
          ],
        },
      ],
    })
      .replace('<Prtry><Cd>P1</Cd></Prtry>', '<Prtry><Cd>P1</Cd><Issr>BANK</Issr></Prtry>')
      .replace('<EndToEndId>E1</EndToEndId>', '<InstrId>I1</InstrId><EndToEndId>E1</EndToEndId><TxId>T1</TxId><MndtId>M1</MndtId><ChqNb>C1</ChqNb>');
    const { entries, result } = parseCamt053(text);
    assert.equal(result.ok, true, JSON.stringify(result.errors));
    const keys = new Set(entries.flatMap((e) => (e.type === 'entry' ? entryToRecordFields(e.entry).flatMap((f) => Object.keys(f.metadata)) : [])));
    const table = section('From entry to record');
    const documented = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_0-9]+)`/g)].map((k) => k[1]!)));
    for (const key of keys) assert.ok(documented.has(key), `metadata key ${key} is not documented`);
    assert.equal(keys.size, 22, [...keys].join(', '));
  });
});
