// Where a scale-out run spends its time, for the question the numbers alone cannot answer: when adding
// workers does not add throughput, is it the CPU (2 cores shared by the API, the workers and PostgreSQL),
// or the database making writers wait for each other (locks)? Every `intervalMs` it reads pg_stat_activity
// for the backends of this run only (they carry the run's application_name; other sessions of the shared
// cluster are not counted) and classifies each: running (on CPU, or a wait type such as IO or LWLock),
// waiting on a lock, idle in a transaction (waiting for the worker between statements), idle. It also adds
// up CPU time from /proc: the machine's, the Sluice processes' and those backends'.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PG_BASE_URL } from './databases.js';

export interface ActivitySummary {
  samples: number;
  /** Mean number of the run's backends in each state per sample ("active: CPU", "active: Lock/transactionid", "idle in transaction", ...). */
  backends: Record<string, number>;
  /** CPU seconds over the run; `machineCapacity` is cores × wall seconds. */
  cpuSeconds: { machineBusy: number; machineCapacity: number; serve: number; workers: number; postgresBackends: number };
}

const TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), in ticks; null once it has gone. */
function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

/** The machine's busy and total ticks over all CPUs (/proc/stat's first line; idle and iowait are not busy). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export class ActivitySampler {
  private readonly client = new pg.Client({ connectionString: PG_BASE_URL });
  private readonly counts = new Map<string, number>();
  private readonly backendTicks = new Map<number, { first: number; last: number }>();
  private samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly machineStart = machineTicks();
  private readonly processStart = new Map<number, number>();

  private constructor(
    private readonly applicationName: string,
    private readonly servePid: number,
    private readonly workerPids: number[],
  ) {
    for (const pid of [servePid, ...workerPids]) this.processStart.set(pid, processTicks(pid) ?? 0);
  }

  static async start(applicationName: string, servePid: number, workerPids: number[], intervalMs = 250): Promise<ActivitySampler> {
    const sampler = new ActivitySampler(applicationName, servePid, workerPids);
    sampler.client.on('error', () => {});
    await sampler.client.connect();
    sampler.timer = setInterval(() => void sampler.sample(), intervalMs);
    return sampler;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ pid: number; state: string | null; wait_event_type: string | null; wait_event: string | null }>(
        'SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity WHERE application_name = $1',
        [this.applicationName],
      );
      this.samples++;
      for (const row of rows) {
        const kind = row.state === 'active' ? `active: ${row.wait_event_type ? `${row.wait_event_type}/${row.wait_event}` : 'CPU'}` : (row.state ?? 'unknown');
        this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
        const ticks = processTicks(row.pid);
        if (ticks === null) continue;
        const seen = this.backendTicks.get(row.pid);
        if (seen) seen.last = ticks;
        else this.backendTicks.set(row.pid, { first: ticks, last: ticks });
      }
    } catch {
      // a missed sample is no evidence either way; the count of samples says how many there were
    } finally {
      this.busy = false;
    }
  }

  /** Call before the Sluice processes stop: their CPU time is read from /proc while they still exist. */
  async stop(): Promise<ActivitySummary> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
    await this.client.end().catch(() => {});
    const machine = machineTicks();
    const spent = (pid: number) => ((processTicks(pid) ?? this.processStart.get(pid)!) - this.processStart.get(pid)!) / TICK;
    const backends: Record<string, number> = {};
    for (const [kind, n] of [...this.counts].sort((a, b) => b[1] - a[1])) backends[kind] = round(n / Math.max(1, this.samples));
    let backendTicks = 0;
    for (const { first, last } of this.backendTicks.values()) backendTicks += last - first;
    return {
      samples: this.samples,
      backends,
      cpuSeconds: {
        machineBusy: round((machine.busy - this.machineStart.busy) / TICK, 1),
        machineCapacity: round((machine.total - this.machineStart.total) / TICK, 1),
        serve: round(spent(this.servePid), 1),
        workers: round(this.workerPids.reduce((sum, pid) => sum + spent(pid), 0), 1),
        postgresBackends: round(backendTicks / TICK, 1),
      },
    };
  }
}
