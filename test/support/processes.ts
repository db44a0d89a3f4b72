import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './shared.js';

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs the real CLI from source as its own process, the way an operator would start it. */
export function sluice(args: string[], env: Record<string, string>): Child {
  // Where the CLI talks to is what the test names: a SLUICE_URL of whoever runs the tests must not leak in.
  const { SLUICE_URL, SLUICE_API_KEY, ...inherited } = process.env;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    // Workers started side by side each serve /metrics on a free port rather than all asking for 9464.
    env: { ...inherited, LOG_LEVEL: 'warn', SLUICE_WORKER_METRICS_PORT: '0', SLUICE_WORKER_METRICS_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    proc,
    output: () => output,
    exited,
    kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

export interface Server extends Child {
  url: string;
  pid: number;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

/** The URL a starting `sluice serve` prints once it listens; rejects if it exits first or takes too long. */
export function listeningUrl(child: Pick<Child, 'proc' | 'output' | 'exited'>, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice serve did not start within ${timeoutMs / 1000} s:\n${child.output()}`)), timeoutMs);
    const check = () => {
      const match = /Listening on (http:\/\/\S+)/.exec(child.output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.proc.stdout?.on('data', check);
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sluice serve exited (${code}) before listening:\n${child.output()}`));
    });
  });
}

/** `sluice serve` on a free port; resolves once it prints where it listens. */
export async function serve(env: Record<string, string>, args: string[] = []): Promise<Server> {
  const child = sluice(['serve', ...args], { PORT: '0', HOST: '127.0.0.1', ...env });
  const url = await listeningUrl(child, 60_000);
  return {
    ...child,
    url,
    pid: child.proc.pid!,
    async stop() {
      child.kill('SIGTERM');
      return child.exited;
    },
  };
}

/** The process's peak resident set (VmHWM), in bytes, from /proc (Linux). */
export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (!kib) throw new Error('no VmHWM in /proc status');
  return Number(kib) * 1024;
}
