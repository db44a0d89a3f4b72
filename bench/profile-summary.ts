// Top self-time functions of a V8 CPU profile (`--cpu-prof` output), the evidence behind the "what holds
// it back" section of docs/performance.md: `node --import tsx bench/profile-summary.ts FILE.cpuprofile [N]`.
// `npm run bench -- --profile` prints it for the serve process of every scenario.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function where(url: string, line: number): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? relative(ROOT, fileURLToPath(url)) : url;
  return `${path.replace(/^node_modules\//, '~/')}:${line + 1}`;
}

/** Self time per function (by name and location), from the sample deltas; idle and GC stay in the list. */
export function selfTimes(file: string, top = 25): { totalMs: number; rows: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, { name: string; where: string; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((id, k) => {
    const us = profile.timeDeltas[k] ?? 0;
    totalUs += us;
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    const at = where(frame.url, frame.lineNumber);
    const key = `${name}@${at}`;
    const entry = totals.get(key) ?? { name, where: at, us: 0 };
    entry.us += us;
    totals.set(key, entry);
  });
  const rows = [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, ms: Math.round(e.us / 1000), percent: Math.round((e.us / totalUs) * 1000) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), rows };
}

/** Sampled time outside (idle): tells the thread that worked from the one that waited. */
export function busyMs(file: string): number {
  const { totalMs, rows } = selfTimes(file, Number.MAX_SAFE_INTEGER);
  return totalMs - (rows.find((r) => r.name === '(idle)')?.ms ?? 0);
}

export function selfTimesText(file: string, top = 25): string {
  const { totalMs, rows } = selfTimes(file, top);
  return [`${file}: ${(totalMs / 1000).toFixed(1)} s sampled`, ...rows.map((r) => `${r.percent.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}  ${r.where}`)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [N]');
    process.exit(2);
  }
  console.log(selfTimesText(file, Number(top ?? 25)));
}
