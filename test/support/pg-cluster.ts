import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

// A PostgreSQL cluster of a fault test's own, to restart at will: the shared cluster on 5432 is never
// stopped or restarted. Made with the Debian wrappers (postgresql-common) the machine has, on a free port,
// trust auth for 127.0.0.1, removed by `drop()`. Clusters left behind by a test process that died are removed
// by the next one (their name carries the creating process id).

const run = promisify(execFile);
const PREFIX = 'sluice_faults_';

function version(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server installed under /usr/lib/postgresql');
  return versions[0];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function dropStale(ver: string): Promise<void> {
  const { stdout } = await run('pg_lsclusters', ['-h']);
  for (const line of stdout.split('\n')) {
    const [v, name] = line.trim().split(/\s+/);
    if (v !== ver || !name?.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split('_')[0]);
    if (Number.isInteger(pid) && !alive(pid)) await run('pg_dropcluster', ['--stop', ver, name]).catch(() => {});
  }
}

export interface OwnCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  drop(): Promise<void>;
}

export async function createOwnCluster(): Promise<OwnCluster> {
  const ver = version();
  await dropStale(ver);
  const name = `${PREFIX}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const port = await freePort();
  // fsync off: these tests crash the server process, not the machine, so the OS cache survives every kill.
  await run('pg_createcluster', [ver, name, '-p', String(port), '-o', 'fsync=off', '-o', 'max_connections=200', '--', '--auth=trust']);
  const hba = `/etc/postgresql/${ver}/${name}/pg_hba.conf`;
  const rules = readFileSync(hba, 'utf8');
  if (!/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+trust/m.test(rules)) writeFileSync(hba, `host all all 127.0.0.1/32 trust\n${rules}`);
  const ctl = (...args: string[]) => run('pg_ctlcluster', args).then(() => undefined);
  try {
    await ctl(ver, name, 'start');
  } catch (error) {
    await run('pg_dropcluster', ['--stop', ver, name]).catch(() => {});
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: (mode) => ctl('-m', mode, ver, name, 'restart'),
    stop: (mode = 'fast') => ctl('-m', mode, ver, name, 'stop'),
    start: () => ctl(ver, name, 'start'),
    drop: () => run('pg_dropcluster', ['--stop', ver, name]).then(() => undefined),
  };
}
