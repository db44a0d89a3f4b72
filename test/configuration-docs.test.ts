import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// The README's configuration table is what operators read; src/config.ts is what the processes read.
// Every variable read there must be documented, and the table must not describe variables that do not exist.

const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const read = new Set([
  ...[...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]),
  ...[...source.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)].map((m) => m[1]),
  ...[...source.matchAll(/\(env, ['"]([A-Z][A-Z0-9_]*)['"]/g)].map((m) => m[1]),
]);

const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
const documented = new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]));

test('every variable src/config.ts reads is in the README configuration table, and no other', () => {
  assert.ok(read.size >= 10, `found only ${read.size} variables in src/config.ts: has its shape changed?`);
  assert.deepEqual([...read].filter((v) => !documented.has(v)), [], 'read but not documented');
  assert.deepEqual([...documented].filter((v) => !read.has(v)), [], 'documented but not read');
});
