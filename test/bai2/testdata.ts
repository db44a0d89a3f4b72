// Where the shared BAI2 test files live. They are never copied into the repository: tests read them from
// ../shared/testdata (or $SLUICE_TESTDATA) and skip, saying so, when they are absent.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { TESTDATA_ROOT } from '../support/shared.js';

export const bai2Dir = path.join(TESTDATA_ROOT, 'bai2');
export const haveTestdata = existsSync(path.join(bai2Dir, 'valid'));
export const missingMessage = `testdata not found at ${bai2Dir} (set SLUICE_TESTDATA to the shared testdata directory)`;

if (!haveTestdata) console.warn(`SKIPPING BAI2 corpus tests: ${missingMessage}`);

export function requireTestdata(t: TestContext): boolean {
  if (haveTestdata) return true;
  t.skip(missingMessage);
  return false;
}

export function listBai(sub: 'valid' | 'invalid'): string[] {
  if (!haveTestdata) return [];
  return readdirSync(path.join(bai2Dir, sub)).filter((name) => !name.startsWith('.')).sort();
}

export function readBai(sub: 'valid' | 'invalid', name: string): Buffer {
  return readFileSync(path.join(bai2Dir, sub, name));
}

/** Cuts a buffer into pieces of the given sizes (cycled), to feed a reader chunk by chunk. */
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
