// Where the shared NACHA test files live, and helpers to read them. The files are never copied into the
// repository: tests read them from ../shared/testdata (or $SLUICE_TESTDATA) and skip, saying so, when
// they are absent.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const testdataRoot = process.env['SLUICE_TESTDATA'] ?? path.resolve(repoRoot, '../shared/testdata');
export const nachaDir = path.join(testdataRoot, 'nacha');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'nacha');

export const haveTestdata = existsSync(path.join(nachaDir, 'valid'));
export const missingMessage = `testdata not found at ${nachaDir} (set SLUICE_TESTDATA to the shared testdata directory)`;

if (!haveTestdata) console.warn(`SKIPPING NACHA corpus tests: ${missingMessage}`);

/** Skips the test loudly when the shared corpus is absent; returns whether it may run. */
export function requireTestdata(t: TestContext): boolean {
  if (haveTestdata) return true;
  t.skip(missingMessage);
  return false;
}

export function listAch(sub: 'valid' | 'invalid'): string[] {
  if (!haveTestdata) return [];
  return readdirSync(path.join(nachaDir, sub)).filter((name) => name.endsWith('.ach')).sort();
}

export function readAch(sub: 'valid' | 'invalid', name: string): Buffer {
  return readFileSync(path.join(nachaDir, sub, name));
}

export function readFixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}

/** Stable JSON of a parse result, bigints as strings, to compare two parses for equality. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Cuts a buffer into pieces of the given sizes (cycled), to feed a parser chunk by chunk. */
export function chunks(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    out.push(data.subarray(offset, offset + size));
    offset += size;
    i++;
  }
  return out;
}
