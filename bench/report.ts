// The results as a console table, as the Markdown table docs/performance.md carries, and against the
// targets of issue 4. Targets are reported, never enforced: --quick checks correctness only.

import type { ScenarioResult } from './scenarios/types.js';

export const TARGETS = {
  ratio: { csv: 0.5, nacha: 0.5, json: 0.3, 'parse-nacha': 2, 'parse-nacha-stream': 2 } as Record<string, number>,
  peakRssMb: 300,
  statusP99Ms: 50,
};

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function row(r: ScenarioResult): string[] {
  return [
    r.scenario,
    r.db === 'none' ? '-' : r.db,
    fmt(r.rows),
    fmt(r.seconds, 1),
    fmt(r.rowsPerSecond),
    r.reference ? fmt(r.reference.rowsPerSecond) : '-',
    fmt(r.ratio, 2),
    r.schemaReference ? fmt(r.schemaReference.rowsPerSecond) : '-',
    fmt(r.peakRssMb),
    fmt(r.statusLatencyMs?.p50, 1),
    fmt(r.statusLatencyMs?.p99, 1),
    `${r.load.start.toFixed(1)}/${r.load.end.toFixed(1)}`,
    r.ok ? 'ok' : 'FAILED',
  ];
}

const HEADER = ['scenario', 'db', 'rows', 'seconds', 'rows/s', 'ref rows/s', 'ratio', 'ref into Sluice table rows/s', 'peak RSS MB', 'status p50 ms', 'status p99 ms', 'load start/end', 'checks'];

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
    if (r.db !== 'none') {
      verdicts.push({ ...base, target: `peak RSS <= ${TARGETS.peakRssMb} MB`, value: r.peakRssMb, met: r.peakRssMb !== null && r.peakRssMb <= TARGETS.peakRssMb });
      const p99 = r.statusLatencyMs?.p99 ?? null;
      verdicts.push({ ...base, target: `status p99 <= ${TARGETS.statusP99Ms} ms`, value: p99, met: p99 !== null && p99 <= TARGETS.statusP99Ms });
    }
  }
  return verdicts;
}

export function targetsText(verdicts: TargetVerdict[]): string {
  return verdicts.map((v) => `${v.met ? 'met   ' : 'MISSED'}  ${v.scenario.padEnd(18)} ${v.db.padEnd(8)} ${v.target.padEnd(22)} ${v.value ?? '-'}`).join('\n');
}
