// One parser over one file, in a process of its own (so one parser's heap and JIT state cannot slow or
// speed the next): `node --import tsx bench/scenarios/parse-child.ts <parser> <file> <runs>`. Prints one
// JSON line: the seconds of each run, the rows and totals it read, its peak RSS.
//
// Parsers:
//  - csv-sluice:   readCsv over a file stream (the upload path's parser), every row's cells counted. A
//                  second, untimed pass converts the rows to records (csvRowToRecord) for the totals check.
//  - nacha-sluice: parseNacha on the file's text, strict (every structure, field format, check digit,
//                  trace order and control-total rule; no relaxation), every entry kept, as node-nacha does.
//  - nacha-sluice-stream: NachaParser, as uploads use it: the same validation, each entry handed to a sink
//                  that sums it and lets it go (nothing kept, so far less garbage collection).
//  - nacha-npm:    @midlandsbank/node-nacha: from() builds the file object, then its own calculate()
//                  recomputes every batch and the file control from the entries, compared with the
//                  control records. That is all the validation the package offers (its validate() is empty).

import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { csvRowToRecord, planColumns, readCsv, type CsvColumnPlan } from '../../src/formats/csv/index.js';
import { NachaParser, parseNacha } from '../../src/formats/nacha/index.js';

const require = createRequire(import.meta.url);
const [parser, file, runsArg] = process.argv.slice(2) as [string, string, string];
const runs = Number(runsArg ?? 1);

interface Totals {
  rows: number;
  creditCount: number;
  debitCount: number;
  credits: number;
  debits: number;
}

async function csvSluice(): Promise<{ seconds: number[]; totals: Totals; extra: Record<string, unknown> }> {
  const seconds: number[] = [];
  let rows = 0;
  let badRows = 0;
  for (let r = 0; r < runs; r++) {
    rows = 0;
    badRows = 0;
    const started = performance.now();
    let header = true;
    for await (const batch of readCsv(createReadStream(file, { highWaterMark: 256 * 1024 }))) {
      for (let i = 0; i < batch.length; i++) {
        if (header) {
          header = false;
          continue;
        }
        rows++;
        if (batch[i]!.cells.length !== 4) badRows++;
      }
    }
    seconds.push((performance.now() - started) / 1000);
  }
  const totals: Totals = { rows: 0, creditCount: 0, debitCount: 0, credits: 0, debits: 0 };
  let plan: CsvColumnPlan | undefined;
  let invalid = 0;
  for await (const batch of readCsv(createReadStream(file))) {
    for (const row of batch) {
      if (!plan) {
        const planned = planColumns(row.cells);
        if (!planned.ok) throw new Error('bad header');
        plan = planned.plan;
        continue;
      }
      const result = csvRowToRecord(plan, row.cells, { dataStreamKey: 'bench' });
      if (!result.ok) {
        invalid++;
        continue;
      }
      totals.rows++;
      if (result.draft.direction === 'credit') {
        totals.creditCount++;
        totals.credits += result.draft.amount;
      } else {
        totals.debitCount++;
        totals.debits += result.draft.amount;
      }
    }
  }
  return { seconds, totals, extra: { parsedRows: rows, badRows, invalidRows: invalid } };
}

function nachaSluice(text: string) {
  const seconds: number[] = [];
  let result: ReturnType<typeof parseNacha> | undefined;
  for (let r = 0; r < runs; r++) {
    result = undefined;
    const started = performance.now();
    result = parseNacha(text);
    seconds.push((performance.now() - started) / 1000);
  }
  const m = result!.monetary;
  return {
    seconds,
    totals: { rows: result!.entries.length, creditCount: m.creditCount, debitCount: m.debitCount, credits: Number(m.creditAmount), debits: Number(m.debitAmount) },
    extra: { valid: result!.ok, errors: result!.errorCount, firstError: result!.errors[0]?.message ?? null },
  };
}

function nachaSluiceStream(text: string) {
  const seconds: number[] = [];
  let totals: Totals = { rows: 0, creditCount: 0, debitCount: 0, credits: 0, debits: 0 };
  let result: ReturnType<NachaParser['end']> | undefined;
  for (let r = 0; r < runs; r++) {
    const sums: Totals = { rows: 0, creditCount: 0, debitCount: 0, credits: 0, debits: 0 };
    const started = performance.now();
    const parser = new NachaParser(
      {},
      {
        entry(entry) {
          sums.rows++;
          if (entry.direction === 'credit') {
            sums.creditCount++;
            sums.credits += entry.amount;
          } else {
            sums.debitCount++;
            sums.debits += entry.amount;
          }
        },
      },
    );
    parser.push(text);
    result = parser.end();
    seconds.push((performance.now() - started) / 1000);
    totals = sums;
  }
  return { seconds, totals, extra: { valid: result!.ok, errors: result!.errorCount } };
}

interface NpmEntry {
  transactionCode: string;
  amount: number;
}
interface NpmFooter {
  entryAndAddendaCount: number;
  entryHash: number;
  totalDebit: number;
  totalCredit: number;
  batchCount?: number;
  blockCount?: number;
}
interface NpmAch {
  file: { footer: NpmFooter };
  batches: Array<{ entries: NpmEntry[]; footer: NpmFooter }>;
}

function nachaNpm(text: string) {
  const nacha = require('@midlandsbank/node-nacha') as { from(source: string): { data: NpmAch } };
  const calculate = require('@midlandsbank/node-nacha/lib/api/calculate.js') as (options: { ach: NpmAch }) => { footer: NpmFooter; batchFooters: NpmFooter[] };
  const seconds: number[] = [];
  let data: NpmAch | undefined;
  let mismatches = 0;
  const same = (a: NpmFooter, b: NpmFooter) =>
    a.entryAndAddendaCount === b.entryAndAddendaCount && a.entryHash === b.entryHash && a.totalDebit === b.totalDebit && a.totalCredit === b.totalCredit;
  for (let r = 0; r < runs; r++) {
    data = undefined;
    const started = performance.now();
    data = nacha.from(text).data;
    const computed = calculate({ ach: data });
    mismatches = 0;
    computed.batchFooters.forEach((footer, b) => {
      if (!same(footer, data!.batches[b]!.footer)) mismatches++;
    });
    const fileFooter = data.file.footer;
    if (!same(computed.footer, fileFooter) || computed.footer.batchCount !== fileFooter.batchCount || computed.footer.blockCount !== fileFooter.blockCount) mismatches++;
    seconds.push((performance.now() - started) / 1000);
  }
  const totals: Totals = { rows: 0, creditCount: 0, debitCount: 0, credits: 0, debits: 0 };
  for (const batch of data!.batches) {
    for (const entry of batch.entries) {
      totals.rows++;
      const kind = entry.transactionCode[1];
      if (kind === '2' || kind === '3') {
        totals.creditCount++;
        totals.credits += entry.amount;
      } else {
        totals.debitCount++;
        totals.debits += entry.amount;
      }
    }
  }
  return { seconds, totals, extra: { controlMismatches: mismatches } };
}

let outcome: { seconds: number[]; totals: Totals; extra: Record<string, unknown> };
if (parser === 'csv-sluice') outcome = await csvSluice();
else {
  // Read before any clock starts: both NACHA parsers take the whole text, node-nacha cannot stream.
  const text = readFileSync(file, 'latin1');
  outcome = parser === 'nacha-sluice' ? nachaSluice(text) : parser === 'nacha-sluice-stream' ? nachaSluiceStream(text) : nachaNpm(text);
}
process.stdout.write(`${JSON.stringify({ ...outcome, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
