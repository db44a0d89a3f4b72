// What the numbers were measured on. The machine is shared (other engineers run test suites on it), so
// the load average before and after the run goes with the results.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { PG_BASE_URL } from './support/databases.js';
import { sluiceCommand } from './support/sluice.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string | null;
  sqlite: string;
  sluiceFrom: 'dist' | 'source';
}

export function uptimeLine(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
}

export async function describeMachine(withPostgres: boolean): Promise<Machine> {
  let postgres: string | null = null;
  if (withPostgres) {
    const client = new pg.Client({ connectionString: PG_BASE_URL });
    await client.connect();
    postgres = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    await client.end();
  }
  const memory = new BetterSqlite3(':memory:');
  const sqlite = (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  memory.close();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    postgres,
    sqlite,
    sluiceFrom: sluiceCommand().from,
  };
}
