// CSV parser shoot-out: `npx tsx bench/csv-parsers.ts [rows]` (default 1,000,000 rows, about 100 MB).
//
// Generates a deterministic CSV (seeded PRNG) in the OS temp dir, then, for each candidate, runs a child
// process that reads the file as a stream (file -> parser -> rows, consumed through the parser's own
// streaming interface with backpressure, as an HTTP upload would be) and reports time and peak RSS. Every
// parser's rows are checked against the generator's counts, so a fast but wrong parse does not win. Then,
// in this process, each one is run over the csv-spectrum suite (SLUICE_TESTDATA, default ../shared/testdata)
// and over a small file whose record start lines are known (quoted newlines, CRLF, blank lines, a BOM).
//
// Candidates whose package is not installed are reported as such (the project keeps only the winner as a
// dependency; `npm i --no-save csv-parse papaparse @fast-csv/parse csv-parser udsv csv-batch` brings the
// others back for a re-run).

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { readCsv } from '../src/formats/csv/reader.js';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

type OnRow = (cells: string[], line: number | undefined) => void;
/** Streams `input` through a parser, calling onRow for every record; resolves at the end. */
type Adapter = (input: Readable, onRow: OnRow) => Promise<void>;

const MAX_LINE = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Adapters: each parser in its streaming mode, configured as close to Sluice's needs as it allows.

const adapters: Record<string, { pkg: string | null; lines: string; adapter: () => Adapter }> = {
  sluice: {
    pkg: null,
    lines: 'start line of each record',
    adapter: () => async (input, onRow) => {
      for await (const batch of readCsv(input, { maxLineBytes: MAX_LINE })) {
        for (let i = 0; i < batch.length; i++) onRow(batch[i]!.cells, batch[i]!.rowNumber);
      }
    },
  },
  'csv-parse': {
    pkg: 'csv-parse',
    lines: 'info.lines (line where the record ends); start = end - line breaks inside the record (raw)',
    adapter: () => {
      const { parse } = require('csv-parse') as { parse: (options: object) => NodeJS.ReadWriteStream };
      return async (input, onRow) => {
        const parser = input.pipe(
          parse({ bom: true, relax_column_count: true, max_record_size: MAX_LINE, skip_empty_lines: true, info: true, raw: true }),
        );
        for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
          onRow(item.record, item.info.lines - lineBreaks(item.raw.replace(/^(\r\n|\n|\r)+/, '').replace(/(\r\n|\n|\r)$/, '')));
        }
      };
    },
  },
  'csv-parse (no info)': {
    pkg: 'csv-parse',
    lines: 'none',
    adapter: () => {
      const { parse } = require('csv-parse') as { parse: (options: object) => NodeJS.ReadWriteStream };
      return async (input, onRow) => {
        const parser = input.pipe(parse({ bom: true, relax_column_count: true, max_record_size: MAX_LINE, skip_empty_lines: true }));
        for await (const record of parser as AsyncIterable<string[]>) onRow(record, undefined);
      };
    },
  },
  papaparse: {
    pkg: 'papaparse',
    lines: 'none',
    adapter: () => {
      const Papa = require('papaparse') as { NODE_STREAM_INPUT: symbol; parse: (input: symbol, options: object) => NodeJS.ReadWriteStream };
      return async (input, onRow) => {
        const parser = input.pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: true }));
        for await (const record of parser as AsyncIterable<string[]>) onRow(record, undefined);
      };
    },
  },
  'fast-csv': {
    pkg: '@fast-csv/parse',
    lines: 'none',
    adapter: () => {
      const { parse } = require('@fast-csv/parse') as { parse: (options: object) => NodeJS.ReadWriteStream };
      return async (input, onRow) => {
        const parser = input.pipe(parse({ ignoreEmpty: true }));
        for await (const record of parser as AsyncIterable<string[]>) onRow(record, undefined);
      };
    },
  },
  'csv-parser': {
    pkg: 'csv-parser',
    lines: 'none',
    adapter: () => {
      const csv = require('csv-parser') as (options: object) => NodeJS.ReadWriteStream;
      return async (input, onRow) => {
        const parser = input.pipe(csv({ headers: false, maxRowBytes: MAX_LINE }));
        for await (const record of parser as AsyncIterable<Record<string, string>>) onRow(Object.values(record), undefined);
      };
    },
  },
  udsv: {
    pkg: 'udsv',
    lines: 'none',
    adapter: () => {
      const { inferSchema, initParser } = require('udsv') as {
        inferSchema: (text: string, options: object) => unknown;
        initParser: (schema: unknown) => { stringArrs: unknown; chunk: (text: string, mode: unknown, each: (row: string[]) => void) => void; end: () => void };
      };
      return async (input, onRow) => {
        // uDSV has no stream support of its own: chunks go in as strings; the schema (row delimiter!) is
        // inferred from the first chunk, so a file mixing LF and CRLF is beyond it.
        const decoder = new StringDecoder('utf8');
        let parser: ReturnType<typeof initParser> | null = null;
        const each = (row: string[]) => onRow(row, undefined);
        let first = true;
        for await (const chunk of input as AsyncIterable<Buffer>) {
          let text = decoder.write(chunk);
          if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          first = false;
          if (parser === null) {
            const schema = inferSchema(text, { col: ',', encl: '"', header: () => [] });
            parser = initParser(schema);
          }
          parser.chunk(text, parser.stringArrs, each);
        }
        const rest = decoder.end();
        if (parser) {
          if (rest) parser.chunk(rest, parser.stringArrs, each);
          parser.end();
        }
      };
    },
  },
  'csv-batch': {
    pkg: 'csv-batch',
    lines: 'detail.line (line where the record ends); start = end - line breaks inside the record (raw)',
    adapter: () => {
      const csvBatch = require('csv-batch') as (input: Readable, options: object) => Promise<unknown>;
      return async (input, onRow) => {
        await csvBatch(input, {
          header: false,
          detail: true,
          batch: true,
          batchSize: 1000,
          batchExecution: (batch: Array<{ line: number; raw: string; data: string[] }>) => {
            for (const r of batch) onRow(r.data, r.line - lineBreaks(r.raw.replace(/^(\r\n|\n|\r)+/, '').replace(/(\r\n|\n|\r)$/, '')));
            return Promise.resolve();
          },
        });
      };
    },
  },
};

/** Reading the file with no parser at all: the floor under every number. */
const baseline: Adapter = async (input) => {
  for await (const _ of input) {
    // only reading
  }
};

function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// The generated file.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['ACH', 'PAYMENT', 'Coffee', 'Grocery', 'Invoice', 'refund', 'wire', 'transfer', 'Müller GmbH', 'café', 'Rent', 'Payroll', 'fee', 'card', '#4411'];
const HEADER = ['date', 'amount', 'currency', 'description', 'external_id', 'metadata.category', 'counterparty', 'reference', 'memo'];

interface Expected {
  rows: number;
  cells: number;
  chars: number;
  bytes: number;
}

/** One RFC 4180 cell: quoted only when needed. */
function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function generate(file: string, rows: number): Expected {
  const random = mulberry32(20260131);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const fd = openSync(file, 'w');
  let buffer = `${HEADER.join(',')}\n`;
  const expected: Expected = { rows: 1, cells: HEADER.length, chars: HEADER.join('').length, bytes: 0 };
  for (let r = 0; r < rows; r++) {
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const cents = Math.floor(random() * 10_000_000);
    const sign = random() < 0.4 ? '-' : '';
    let description = `${pick(WORDS)} ${pick(WORDS)} ${Math.floor(random() * 100000)}`;
    const kind = random();
    if (kind < 0.2) description += `, ${pick(WORDS)}`;
    else if (kind < 0.25) description = `He said "${description}"`;
    else if (kind < 0.26) description = `${description}\nsecond line, ${pick(WORDS)}`;
    const values = [
      `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      `${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      random() < 0.9 ? 'USD' : 'EUR',
      description,
      `txn_${(r * 2654435761) % 4294967296}_${r}`,
      pick(['groceries', 'travel', 'payroll', 'rent', 'utilities']),
      random() < 0.5 ? pick(WORDS) : '',
      `REF-${Math.floor(random() * 1e9)}`,
      random() < 0.1 ? 'note, with comma' : 'ok',
    ];
    expected.rows++;
    expected.cells += values.length;
    for (const v of values) expected.chars += v.length;
    buffer += `${values.map(cell).join(',')}\n`;
    if (buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
  expected.bytes = statSync(file).size;
  return expected;
}

// ---------------------------------------------------------------------------------------------------------
// Child: one parser over the big file.

async function child(name: string, file: string, passes: number): Promise<void> {
  const adapter = name === 'baseline' ? baseline : adapters[name]!.adapter();
  const runs: Array<{ rows: number; cells: number; chars: number; ms: number; cpuMs: number }> = [];
  for (let pass = 0; pass < passes; pass++) {
    let rows = 0;
    let cells = 0;
    let chars = 0;
    const onRow: OnRow = (record) => {
      rows++;
      cells += record.length;
      for (let i = 0; i < record.length; i++) chars += record[i]!.length;
    };
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await adapter(createReadStream(file, { highWaterMark: 64 * 1024 }), onRow);
    const used = process.cpuUsage(cpu);
    runs.push({ rows, cells, chars, ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (used.user + used.system) / 1000 });
  }
  process.stdout.write(JSON.stringify({ runs, maxRssKb: process.resourceUsage().maxRSS }));
}

// ---------------------------------------------------------------------------------------------------------
// Correctness checks, in the parent.

async function collect(adapter: Adapter, bytes: Buffer, chunk = 7): Promise<Array<{ cells: string[]; line: number | undefined }>> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const out: Array<{ cells: string[]; line: number | undefined }> = [];
  await adapter(Readable.from(pieces, { objectMode: false }), (cells, line) => out.push({ cells: [...cells], line }));
  return out;
}

function spectrumDir(): string | null {
  const base = process.env.SLUICE_TESTDATA ?? path.resolve(repoRoot, '../shared/testdata');
  const dir = path.join(base, 'csv/spectrum');
  return existsSync(dir) ? dir : null;
}

async function spectrum(adapter: Adapter, dir: string): Promise<{ passed: number; total: number; failed: string[] }> {
  const names = readdirSync(path.join(dir, 'csvs')).filter((f) => f.endsWith('.csv')).sort();
  const failed: string[] = [];
  for (const name of names) {
    const expected = JSON.parse(readFileSync(path.join(dir, 'json', name.replace(/\.csv$/, '.json')), 'utf8')) as Array<Record<string, string>>;
    let actual: Array<Record<string, string>> = [];
    try {
      const rows = await collect(adapter, readFileSync(path.join(dir, 'csvs', name)));
      const header = rows[0]?.cells ?? [];
      actual = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r.cells[i] ?? ''])));
    } catch {
      actual = [];
    }
    if (!isDeepStrictEqual(actual, expected)) failed.push(name.replace(/\.csv$/, ''));
  }
  return { passed: names.length - failed.length, total: names.length, failed };
}

/**
 * Two small files whose record start lines are known, each with a BOM, a blank line and quoted newlines:
 * a Unix one (LF) and a spreadsheet one (CRLF records with LF inside quoted cells, as Excel writes them).
 */
const LINE_CASES = [
  {
    input: '\ufeffdate,description\n2025-01-01,"a\nb"\n\n2025-01-02,x\n2025-01-04,"é,""q"""\n',
    rows: [
      { cells: ['date', 'description'], line: 1 },
      { cells: ['2025-01-01', 'a\nb'], line: 2 },
      { cells: ['2025-01-02', 'x'], line: 5 },
      { cells: ['2025-01-04', 'é,"q"'], line: 6 },
    ],
  },
  {
    input: '\ufeffdate,description\r\n2025-01-01,"a\nb"\r\n\r\n2025-01-02,x\r\n2025-01-03,"c\nd\ne"\r\n2025-01-04,y\r\n',
    rows: [
      { cells: ['date', 'description'], line: 1 },
      { cells: ['2025-01-01', 'a\nb'], line: 2 },
      { cells: ['2025-01-02', 'x'], line: 5 },
      { cells: ['2025-01-03', 'c\nd\ne'], line: 6 },
      { cells: ['2025-01-04', 'y'], line: 9 },
    ],
  },
];

async function lineCheck(adapter: Adapter): Promise<{ cells: string; lines: string }> {
  let cells = true;
  let lines: boolean | null = true;
  for (const c of LINE_CASES) {
    let rows: Awaited<ReturnType<typeof collect>>;
    try {
      rows = await collect(adapter, Buffer.from(c.input, 'utf8'), 3);
    } catch (error) {
      const what = `throws (${String((error as Error)?.message ?? error).slice(0, 40)})`;
      return { cells: what, lines: what };
    }
    cells &&= isDeepStrictEqual(rows.map((r) => r.cells), c.rows.map((r) => r.cells));
    if (rows.some((r) => r.line === undefined)) lines = null;
    else if (lines !== null) lines &&= isDeepStrictEqual(rows.map((r) => r.line), c.rows.map((r) => r.line));
  }
  return { cells: cells ? 'right' : 'WRONG', lines: lines === null ? 'not reported' : lines ? 'right' : 'WRONG' };
}

/** Invalid UTF-8 (a Windows-1252 "é") must not pass silently as U+FFFD. */
async function utf8Check(adapter: Adapter): Promise<string> {
  try {
    const rows = await collect(adapter, Buffer.from([...Buffer.from('a,b\n1,caf'), 0xe9, 0x0a]));
    return rows.some((r) => r.cells.some((c) => c.includes('\ufffd'))) ? 'U+FFFD, silently' : 'passes bytes through?';
  } catch {
    return 'file error';
  }
}

/** A quoted field that never closes, 3 MiB long: does the parser stop at the 1 MiB cap? */
async function capCheck(adapter: Adapter): Promise<string> {
  const big = Buffer.concat([Buffer.from('a,b\n1,"'), Buffer.alloc(3 * 1024 * 1024, 0x78)]);
  try {
    const rows = await collect(adapter, big, 64 * 1024);
    return `no cap: kept all 3 MiB (${rows.length} rows)`;
  } catch {
    return 'stops with an error';
  }
}

// ---------------------------------------------------------------------------------------------------------

function describeWrong(got: { rows: number; cells: number; chars: number }, expected: Expected): string {
  const parts: string[] = [];
  if (got.rows !== expected.rows) parts.push(`${got.rows - expected.rows} rows`);
  if (got.cells !== expected.cells) parts.push(`${got.cells - expected.cells} cells`);
  if (got.chars !== expected.chars) parts.push(`${got.chars - expected.chars} characters`);
  return parts.join(', ');
}

function installed(pkg: string | null): boolean {
  if (pkg === null) return true;
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

function version(pkg: string | null): string {
  if (pkg === null) return 'src/formats/csv';
  try {
    const file = require.resolve(`${pkg}/package.json`);
    return `${pkg} ${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}`;
  } catch {
    // Packages whose exports hide package.json: walk up from the entry point.
    let dir = path.dirname(require.resolve(pkg));
    while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
    return `${pkg} ${(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version}`;
  }
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const passes = Number(process.argv[3] ?? 3);
  if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(passes) || passes < 1) {
    throw new Error('usage: npx tsx bench/csv-parsers.ts [rows] [passes]');
  }
  const file = path.join(tmpdir(), `sluice-csv-bench-${rows}.csv`);
  const expected = generate(file, rows);
  const mb = expected.bytes / 1e6;
  console.log(`file: ${file}, ${expected.rows - 1} data rows + header, ${mb.toFixed(1)} MB; node ${process.version}, ${process.platform}/${process.arch}`);

  const dir = spectrumDir();
  if (!dir) console.log('csv-spectrum NOT FOUND (set SLUICE_TESTDATA): spectrum column left empty');

  const table: string[] = [];
  table.push('| parser | rows/s (wall, best) | MB/s (wall, best) | CPU s (best) | rows per CPU s | rows/s (1st pass) | peak RSS | big file parsed right | csv-spectrum | BOM, blank line, LF in CRLF file | record start lines | invalid UTF-8 | 1 MiB cap |');
  table.push('|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|');
  for (const name of ['baseline', ...Object.keys(adapters)]) {
    const entry = name === 'baseline' ? { pkg: null, lines: '' } : adapters[name]!;
    if (!installed(entry.pkg)) {
      table.push(`| ${name} | not installed | | | | | | | | | | | |`);
      continue;
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, file, String(passes)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) {
      table.push(`| ${name} | failed: ${(run.stderr || '').split('\n').find((l) => l.trim()) ?? run.status} | | | | | | | | | | | |`);
      continue;
    }
    const result = JSON.parse(run.stdout) as { runs: Array<{ rows: number; cells: number; chars: number; ms: number; cpuMs: number }>; maxRssKb: number };
    const best = result.runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const first = result.runs[0]!;
    const perSecond = Math.round((best.rows / best.ms) * 1000);
    const firstPerSecond = Math.round((first.rows / first.ms) * 1000);
    const rssMb = Math.round(result.maxRssKb / 1024);
    const mbs = (mb / (best.ms / 1000)).toFixed(0);
    const bestCpuMs = Math.min(...result.runs.map((r) => r.cpuMs));
    const cpuS = (bestCpuMs / 1000).toFixed(2);
    const perCpuSecond = Math.round((best.rows / bestCpuMs) * 1000);
    if (name === 'baseline') {
      table.push(`| (read the file, no parsing) | | ${mbs} | ${cpuS} | | | ${rssMb} MB | | | | | | |`);
      continue;
    }
    const right = result.runs.every((r) => r.rows === expected.rows && r.cells === expected.cells && r.chars === expected.chars);
    const adapter = entry && 'adapter' in entry ? (entry as { adapter: () => Adapter }).adapter() : baseline;
    const spec = dir ? await spectrum(adapter, dir) : null;
    const lines = await lineCheck(adapter);
    const utf8 = await utf8Check(adapter);
    const cap = await capCheck(adapter);
    table.push(
      `| ${name} (${version(entry.pkg)}) | ${perSecond.toLocaleString('en-US')} | ${mbs} | ${cpuS} | ${perCpuSecond.toLocaleString('en-US')} | ${firstPerSecond.toLocaleString('en-US')} | ${rssMb} MB | ${right ? 'yes' : `NO (${describeWrong(first, expected)})`} | ${
        spec ? `${spec.passed}/${spec.total}${spec.failed.length ? ` (fails ${spec.failed.join(', ')})` : ''}` : ''
      } | ${lines.cells} | ${entry.lines === 'none' && lines.lines.startsWith('throws') ? 'not reported' : lines.lines} | ${utf8} | ${cap} |`,
    );
    console.log(table[table.length - 1]);
  }
  console.log(`\n${table.join('\n')}`);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!, Number(process.argv[5] ?? 1));
} else {
  await main();
}
