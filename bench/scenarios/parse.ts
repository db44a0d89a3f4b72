// `parse`: the parsers alone, no server, no database. parse-csv: Sluice's CSV reader over the csv
// scenario's file (no reference: the CSV parser comparison is bench/csv-parsers.ts). parse-nacha and
// parse-nacha-stream: Sluice's NACHA parser, whole-file and streaming, against @midlandsbank/node-nacha on
// the nacha scenario's file. Each parser runs in its own
// process (parse-child.ts), `runs` times; the median counts.

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ExpectedTotals } from '../inputs/rows.js';
import { track } from '../support/sluice.js';
import { check, type Check } from '../support/verify.js';
import { round } from './harness.js';
import type { ScenarioResult } from './types.js';

export const NPM_NACHA = '@midlandsbank/node-nacha 0.4.0';

interface ChildOutcome {
  seconds: number[];
  totals: ExpectedTotals;
  extra: Record<string, unknown>;
  peakRssMb: number;
}

function runParser(parser: string, file: string, runs: number): Promise<ChildOutcome> {
  const script = fileURLToPath(new URL('./parse-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    // A big heap: node-nacha and parseNacha hold every entry of a 500,000-entry file as objects.
    const child = spawn(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', script, parser, file, String(runs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${parser} exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildOutcome);
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function totalsChecks(prefix: string, expected: ExpectedTotals, actual: ExpectedTotals): Check[] {
  return [
    check(`${prefix} rows`, expected.rows, actual.rows),
    check(`${prefix} credit rows`, expected.creditCount, actual.creditCount),
    check(`${prefix} sum of credits`, expected.credits, actual.credits),
    check(`${prefix} sum of debits`, expected.debits, actual.debits),
  ];
}

async function guarded(scenario: 'parse-csv' | 'parse-nacha' | 'parse-nacha-stream', body: () => Promise<Omit<ScenarioResult, 'load' | 'scenario' | 'db'>>): Promise<ScenarioResult> {
  const start = round(loadavg()[0]!);
  try {
    return { scenario, db: 'none', ...(await body()), load: { start, end: round(loadavg()[0]!) } };
  } catch (error) {
    return {
      scenario,
      db: 'none',
      rows: 0,
      seconds: null,
      rowsPerSecond: null,
      phases: {},
      reference: null,
      ratio: null,
      peakRssMb: null,
      statusLatencyMs: null,
      load: { start, end: round(loadavg()[0]!) },
      checks: [],
      ok: false,
      error: (error as Error).stack ?? String(error),
    };
  }
}

export function parseCsvScenario(file: string, expected: ExpectedTotals, runs: number): Promise<ScenarioResult> {
  return guarded('parse-csv', async () => {
    const sluice = await runParser('csv-sluice', file, runs);
    const seconds = median(sluice.seconds);
    const checks = [
      ...totalsChecks('records from the parsed rows:', expected, sluice.totals),
      check('rows read by the timed passes', expected.rows, sluice.extra.parsedRows),
      check('rows without 4 cells', 0, sluice.extra.badRows),
      check('rows that are not valid records', 0, sluice.extra.invalidRows),
    ];
    return {
      rows: expected.rows,
      seconds: round(seconds, 3),
      rowsPerSecond: Math.round(expected.rows / seconds),
      phases: { runs: sluice.seconds.length },
      reference: null,
      ratio: null,
      peakRssMb: sluice.peakRssMb,
      statusLatencyMs: null,
      checks,
      ok: checks.every((c) => c.ok),
    };
  });
}

/**
 * Two results against the same node-nacha runs: parse-nacha is parseNacha, which keeps every entry in an
 * array as node-nacha keeps its object tree; parse-nacha-stream is NachaParser as uploads run it, each entry
 * handed on and let go.
 */
export async function parseNachaScenarios(file: string, expected: ExpectedTotals, runs: number): Promise<ScenarioResult[]> {
  let npm: ChildOutcome | undefined;
  const npmRuns = async () => (npm ??= await runParser('nacha-npm', file, runs));
  const one = (scenario: 'parse-nacha' | 'parse-nacha-stream', parser: string, label: string) =>
    guarded(scenario, async () => {
      const sluice = await runParser(parser, file, runs);
      const reference = await npmRuns();
      const seconds = median(sluice.seconds);
      const npmSeconds = median(reference.seconds);
      const checks = [
        check(`${label}: file valid (strict)`, true, sluice.extra.valid),
        ...totalsChecks(`${label}:`, expected, sluice.totals),
        check(`${NPM_NACHA}: control totals match`, 0, reference.extra.controlMismatches),
        ...totalsChecks(`${NPM_NACHA}:`, expected, reference.totals),
      ];
      return {
        rows: expected.rows,
        seconds: round(seconds, 3),
        rowsPerSecond: Math.round(expected.rows / seconds),
        phases: { runs: sluice.seconds.length, npmPeakRssMb: reference.peakRssMb },
        reference: { name: `${NPM_NACHA} (from + calculate)`, rows: reference.totals.rows, seconds: round(npmSeconds, 3), rowsPerSecond: Math.round(expected.rows / npmSeconds) },
        ratio: round(npmSeconds / seconds),
        peakRssMb: sluice.peakRssMb,
        statusLatencyMs: null,
        checks,
        ok: checks.every((c) => c.ok),
      };
    });
  return [await one('parse-nacha', 'nacha-sluice', 'Sluice parseNacha'), await one('parse-nacha-stream', 'nacha-sluice-stream', 'Sluice NachaParser')];
}
