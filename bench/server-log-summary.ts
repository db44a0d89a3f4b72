// Answer times inside the server, from a `sluice serve` request log (Fastify's "incoming request" and
// "request completed" lines, paired by reqId): `node --import tsx bench/server-log-summary.ts FILE`.
// `npm run bench -- --server-log` keeps each scenario's log and prints this for it, so a status read's
// time as the sampler saw it (client, network, queueing) can be set beside the server's own.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { percentile } from './support/latency.js';

/** Routes by shape, so every id's reads fall into one group. */
const routeOf = (method: string, url: string) => `${method} ${url.split('?')[0]!.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;

export interface RouteTimes {
  route: string;
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export function serverAnswerTimes(text: string): RouteTimes[] {
  const started = new Map<string, string>();
  const times = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: string; reqId?: string; req?: { method?: string; url?: string }; responseTime?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.reqId === undefined) continue;
    if (entry.msg === 'incoming request' && entry.req?.method && entry.req.url) started.set(entry.reqId, routeOf(entry.req.method, entry.req.url));
    else if (entry.msg === 'request completed' && typeof entry.responseTime === 'number') {
      const route = started.get(entry.reqId);
      if (route === undefined) continue;
      started.delete(entry.reqId);
      const list = times.get(route) ?? [];
      list.push(entry.responseTime);
      times.set(route, list);
    }
  }
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return [...times].map(([route, list]) => {
    const sorted = list.sort((a, b) => a - b);
    return { route, count: sorted.length, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? null) };
  }).sort((a, b) => b.count - a.count);
}

export function serverAnswerTimesText(file: string): string {
  return serverAnswerTimes(readFileSync(file, 'utf8'))
    .map((r) => `${r.route}: ${r.count} answers inside the server, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node --import tsx bench/server-log-summary.ts FILE');
  console.log(serverAnswerTimesText(file));
}
