// The parent side of the status-read sampler (bench/support/sampler.ts): fork it, point it at a request,
// wait for that request to end, collect the samples.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './sluice.js';

export interface LatencySummary {
  samples: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** The three slowest reads, with their place in the sequence (0 = the first read of the request). */
  worst: Array<{ ms: number; sample: number }>;
  errors: number;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

export function summarize(latencies: number[], errors: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  const worst = latencies
    .map((ms, sample) => ({ ms: round(ms)!, sample }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3);
  return { samples: sorted.length, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? null), worst, errors };
}

type Message =
  | { type: 'final'; id: number; body: Record<string, unknown> }
  | { type: 'found'; id: number }
  | { type: 'samples'; latencies: number[]; listLatencies: number[]; errors: number; lastError: string };

export class Sampler {
  private readonly child: ChildProcess;
  private finals = new Map<number, Record<string, unknown>>();
  private waiters: Array<() => void> = [];
  found: number | null = null;

  constructor(url: string, key: string, intervalMs: number) {
    this.child = fork(fileURLToPath(new URL('./sampler.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    track(this.child);
    this.child.on('message', (message: Message) => {
      if (message.type === 'final') this.finals.set(message.id, message.body);
      if (message.type === 'found') this.found = message.id;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.send({ type: 'start', url, key, intervalMs });
  }

  watch(id: number): void {
    this.child.send({ type: 'watch', id });
  }

  /** Find the newest request with an id above `after` (an upload whose 202 has not come yet) and watch it. */
  discover(after: number): void {
    this.child.send({ type: 'discover', after });
  }

  /** The request's body once the sampler has seen it in a final status; rejects after `timeoutMs`. */
  async final(id: number, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const body = this.finals.get(id);
      if (body) return body;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`bulk request ${id} did not reach a final status within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<{ status: LatencySummary; list: LatencySummary; lastError: string }> {
    if (this.child.exitCode !== null) throw new Error('the status sampler died');
    const done = new Promise<Extract<Message, { type: 'samples' }>>((resolve, reject) => {
      this.child.on('message', (message: Message) => {
        if (message.type === 'samples') resolve(message);
      });
      this.child.on('exit', () => reject(new Error('the status sampler exited without its samples')));
    });
    this.child.send({ type: 'stop' });
    const samples = await done;
    return { status: summarize(samples.latencies, samples.errors), list: summarize(samples.listLatencies, 0), lastError: samples.lastError };
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
