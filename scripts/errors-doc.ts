// Rewrites the table between the catalogue markers in docs/errors.md from src/errors/catalogue.ts.
// `npm run docs:errors` after adding a code; `--check` only reports (exit 1) when the two differ.
// test/errors-catalogue.test.ts fails until the table is regenerated, so the docs cannot drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '../src/errors/catalogue.js';

const FILE = new URL('../docs/errors.md', import.meta.url);
const START = '<!-- catalogue:start -->';
const END = '<!-- catalogue:end -->';

/** A `|` in a message would end the cell; backslash-escaped, it renders as itself. */
const cell = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('|', '\\|');

function catalogueTable(): string {
  const rows = Object.entries(CATALOGUE).map(([code, { status, message }]) => `| \`${code}\` | ${status} | ${cell(message)} |`);
  return ['| code | status | message |', '|---|---|---|', ...rows].join('\n');
}

const doc = readFileSync(FILE, 'utf8');
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) {
  console.error(`docs/errors.md needs the markers ${START} and ${END}`);
  process.exit(1);
}
const next = `${doc.slice(0, start + START.length)}\n${catalogueTable()}\n${doc.slice(end)}`;
if (next === doc) {
  console.log('docs/errors.md is up to date');
} else if (process.argv.includes('--check')) {
  console.error('docs/errors.md is out of date: run `npm run docs:errors`');
  process.exit(1);
} else {
  writeFileSync(FILE, next);
  console.log(`docs/errors.md: table rewritten, ${Object.keys(CATALOGUE).length} codes`);
}
