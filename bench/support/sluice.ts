// Sluice as real processes, as an operator runs it: `sluice serve` (API + embedded worker) and optional
// `sluice worker` processes, from dist/ when a build newer than every source file is there, else from
// source through tsx (as the tests do). A stale dist would measure code that is no longer the project's.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../test/support/shared.js';

import { listeningUrl } from '../../test/support/processes.js';

export { peakRss } from '../../test/support/processes.js';

/**
 * Every child the bench starts, so that a bench stopped half-way (Ctrl-C, a CI timeout's SIGTERM, a crash)
 * leaves no server behind holding a port and a database: they are killed when the bench process exits.
 */
const live = new Set<ChildProcess>();
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}
process.on('exit', killAll);

export function track(child: ChildProcess): void {
  live.add(child);
  child.on('exit', () => live.delete(child));
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The command line that runs the CLI: the build when it is current, the sources otherwise. */
/**
 * Decided once per run, at its first process: a source file saved while a run is under way must not switch
 * its later processes (the 2- and 4-worker runs of a scale-out) to source, with its loader in every thread,
 * so that one table compares processes of two kinds.
 */
let decided: { args: string[]; from: 'dist' | 'source' } | undefined;

export function sluiceCommand(): { args: string[]; from: 'dist' | 'source' } {
  if (decided) return decided;
  const built = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  decided =
    existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'))
      ? { args: [built], from: 'dist' }
      : { args: ['--import', 'tsx', 'src/cli/main.ts'], from: 'source' };
  return decided;
}

export interface SluiceProcess {
  proc: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | string>;
  /** SIGTERM (graceful: the worker gives its lease back, --cpu-prof writes its profile), SIGKILL after 30 s. */
  stop(): Promise<number | string>;
}

/**
 * The node flags `npm start` runs Sluice with (package.json; `npm run sluice` has the same):
 * the bench measures what an operator runs, not bare node.
 */
const START_FLAGS = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/**
 * `nodeFlags` go on node's own command line (--cpu-prof is not allowed in NODE_OPTIONS). With `logFile`, all
 * the process writes is kept there too (the bench's --server-log), not only the tail.
 */
function start(command: string[], env: Record<string, string>, nodeFlags: string[] = [], logFile?: string): SluiceProcess {
  const proc = spawn(process.execPath, [...START_FLAGS, ...nodeFlags, ...sluiceCommand().args, ...command], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(proc);
  let output = '';
  // Only the tail: a long run's warnings must not grow the bench's own memory.
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile);
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
  }
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    proc,
    pid: proc.pid!,
    output: () => output,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface Server extends SluiceProcess {
  url: string;
}

/** `serveFlags` go to `sluice serve` (`--no-worker`: API only). */
export async function startServer(env: Record<string, string>, nodeFlags: string[] = [], serveFlags: string[] = [], logFile?: string): Promise<Server> {
  const child = start(['serve', ...serveFlags], { PORT: '0', HOST: '127.0.0.1', ...env }, nodeFlags, logFile);
  const url = await listeningUrl(child, 120_000);
  return { ...child, url };
}

export async function startWorker(env: Record<string, string>): Promise<SluiceProcess> {
  // Several workers run at once: each serves /metrics on a free port rather than all asking for 9464.
  const child = start(['worker'], { SLUICE_WORKER_METRICS_PORT: '0', SLUICE_WORKER_METRICS_HOST: '127.0.0.1', ...env });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice worker did not start within 120 s:\n${child.output()}`)), 120_000);
    child.proc.stdout?.on('data', () => {
      if (/Worker started/.test(child.output())) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sluice worker exited (${code}) before starting:\n${child.output()}`));
    });
  });
  return child;
}
