// The results as a console table, as the Markdown table docs/performance.md carries, and against the
// targets of issues 4 and 12. Targets are reported, never enforced: --quick checks correctness only.

import type { ScenarioResult } from './scenarios/types.js';

export const TARGETS = {
  ratio: { csv: 0.5, nacha: 0.5, bai2: 0.5, camt053: 0.5, json: 0.3, 'parse-nacha': 2, 'parse-nacha-stream': 2 } as Record<string, number>,
  peakRssMb: 300,
  statusP99Ms: 50,
  /** Issue 12: the engine alone (claim to completed) against the bulk load into Sluice's own records table. */
  engineRatio: 0.8,
};

const INGEST = new Set(['csv', 'nacha', 'bai2', 'camt053', 'json', 'scaleout']);

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function row(r: ScenarioResult): string[] {
  return [
    r.variant ? `${r.scenario} (${r.variant})` : r.scenario,
    r.db === 'none' ? '-' : r.db,
    fmt(r.rows),
    fmt(r.seconds, 1),
    fmt(r.rowsPerSecond),
    r.reference ? fmt(r.reference.rowsPerSecond) : '-',
    fmt(r.ratio, 2),
    r.schemaReference ? fmt(r.schemaReference.rowsPerSecond) : '-',
    r.engine ? fmt(r.engine.rowsPerSecond) : '-',
    fmt(r.engine?.schemaRatio, 2),
    fmt(r.peakRssMb),
    fmt(r.statusLatencyMs?.p50, 1),
    fmt(r.statusLatencyMs?.p99, 1),
    `${r.load.start.toFixed(1)}/${r.load.end.toFixed(1)}`,
    r.ok ? 'ok' : 'FAILED',
  ];
}

const HEADER = ['scenario', 'db', 'rows', 'seconds', 'rows/s', 'ref rows/s', 'ratio', 'ref into Sluice table rows/s', 'engine rows/s', 'engine ratio', 'peak RSS MB', 'status p50 ms', 'status p99 ms', 'load start/end', 'checks'];

export function consoleTable(results: ScenarioResult[]): string {
  const rows = [HEADER, ...results.map(row)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export function markdownTable(results: ScenarioResult[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, c) => (c < 2 ? '---' : '---:')).join('|')}|`];
  for (const r of results) lines.push(`| ${row(r).join(' | ')} |`);
  return lines.join('\n');
}

export interface TargetVerdict {
  scenario: string;
  db: string;
  target: string;
  value: number | null;
  met: boolean;
}

export function targetVerdicts(results: ScenarioResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const r of results) {
    const base = { scenario: r.scenario, db: r.db };
    const ratioTarget = TARGETS.ratio[r.scenario];
    if (ratioTarget !== undefined) verdicts.push({ ...base, target: `ratio >= ${ratioTarget}`, value: r.ratio, met: r.ratio !== null && r.ratio >= ratioTarget });
    // Only where the load into Sluice's table was measured (full runs without --skip-schema-reference).
    const engineRatio = r.engine?.schemaRatio ?? null;
    if (INGEST.has(r.scenario) && engineRatio !== null) verdicts.push({ ...base, target: `engine ratio >= ${TARGETS.engineRatio}`, value: engineRatio, met: engineRatio >= TARGETS.engineRatio });
    if (r.db !== 'none') {
      verdicts.push({ ...base, target: `peak RSS <= ${TARGETS.peakRssMb} MB`, value: r.peakRssMb, met: r.peakRssMb !== null && r.peakRssMb <= TARGETS.peakRssMb });
      const p99 = r.statusLatencyMs?.p99 ?? null;
      verdicts.push({ ...base, target: `status p99 <= ${TARGETS.statusP99Ms} ms`, value: p99, met: p99 !== null && p99 <= TARGETS.statusP99Ms });
    }
  }
  // Scale-out: each worker count's throughput against the one before it (issue 12: it must not fall).
  const scaleout = results.filter((r) => r.scenario === 'scaleout');
  for (let k = 1; k < scaleout.length; k++) {
    const [before, now] = [scaleout[k - 1]!, scaleout[k]!];
    if (before.rowsPerSecond === null || now.rowsPerSecond === null) continue;
    verdicts.push({ scenario: 'scaleout', db: now.db, target: `${now.variant} rows/s >= ${before.variant}'s`, value: round2(now.rowsPerSecond / before.rowsPerSecond), met: now.rowsPerSecond >= before.rowsPerSecond });
  }
  return verdicts;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

export function targetsText(verdicts: TargetVerdict[]): string {
  return verdicts.map((v) => `${v.met ? 'met   ' : 'MISSED'}  ${v.scenario.padEnd(18)} ${v.db.padEnd(8)} ${v.target.padEnd(34)} ${v.value ?? '-'}`).join('\n');
}
