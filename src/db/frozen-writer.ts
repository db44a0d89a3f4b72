import { readFileSync, readlinkSync, statSync } from 'node:fs';
import type { Store } from './connect.js';

// SQLite has one writer. A process frozen (SIGSTOP, a debugger, a shell's Ctrl-Z) while it holds the write
// lock stalls every write of the deployment for as long as it stays frozen: no lease can be renewed, no
// takeover can be written, the API's writes wait and then answer 503. Nothing inside SQLite ends it; the
// process has to go. This watch finds such a holder and kills it (docs/operations.md, "SQLite's one writer").
//
// Who holds the lock is not guessed from leases (the holder may be an API process staging an upload, which
// holds no lease): the kernel says it. In WAL mode SQLite takes its write lock as a POSIX lock on byte 120
// of the `-shm` file (WALINDEX_LOCK_OFFSET + WAL_WRITE_LOCK), and /proc/locks lists every POSIX lock with
// its owner's process id. A holder whose /proc/<pid>/stat state is `T` or `t` (stopped, or stopped by a
// tracer) is frozen: it cannot be in the middle of useful work. Killed with SIGKILL, its transaction is rolled
// back by SQLite on the next open (uncommitted WAL frames are never read), the kernel drops its locks, and
// its lease lapses so another worker resumes its request from the checkpoint.
//
// Only a frozen holder is killed, never a running one (a long statement is work, not a freeze), never this
// process, and only a Node process like this one (the same executable): a frozen `sqlite3` shell an
// operator left open is reported, not killed. Linux only (/proc); elsewhere the watch reports once that it
// cannot run.

const WAL_WRITE_LOCK_BYTE = 120;

export interface FrozenWriterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface FrozenWriterOptions {
  /** A holder frozen this long is killed. */
  afterMs: number;
  /** How often /proc/locks is read. */
  everyMs?: number;
  logger: FrozenWriterLogger;
}

/**
 * How long a frozen writer may hold the lock: short enough that healthy workers' leases (renewed only with
 * the write lock) do not lapse meanwhile, and that API writes waiting for the lock (up to 10 s, then 503)
 * mostly get through once it is gone; long enough that a shell's Ctrl-Z then `fg` is not punished at once.
 * A quarter of the lease, between 1 and 10 s (10 s with the default 60 s lease).
 */
export function frozenWriterBound(leaseMs: number): number {
  return Math.min(10_000, Math.max(1_000, Math.floor(leaseMs / 4)));
}

/** The kernel's `major:minor:inode` of a file as /proc/locks writes it (hex device numbers). */
function lockKey(path: string): string {
  const { dev, ino } = statSync(path);
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${ino}`;
}

/** The process holding the WAL write lock of the database file, if any (0 when it lives outside our pid namespace). */
export function writeLockHolder(dbFile: string): number | undefined {
  let key: string;
  try {
    key = lockKey(`${dbFile}-shm`);
  } catch {
    return undefined; // no -shm file: no connection has the database open in WAL mode
  }
  for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 23905 fe:00:2146647 120 120"
    const fields = line.trim().split(/\s+/);
    const [, kind, , mode, pid, file, start, end] = fields;
    if (kind === 'POSIX' && mode === 'WRITE' && file === key && Number(start) <= WAL_WRITE_LOCK_BYTE && (end === 'EOF' || Number(end) >= WAL_WRITE_LOCK_BYTE)) {
      return Number(pid);
    }
  }
  return undefined;
}

/** `T` (stopped) or `t` (tracing stop): the state field of /proc/<pid>/stat, after the parenthesised name. */
export function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
  } catch {
    return false;
  }
}

function sameExecutable(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === readlinkSync('/proc/self/exe');
  } catch {
    return false;
  }
}

/** Starts watching a SQLite store's write lock; a no-op for PostgreSQL (row locks, and 25P03 ends a frozen session). */
export function watchFrozenWriter(store: Store, options: FrozenWriterOptions): { stop(): void } {
  if (store.raw.kind !== 'sqlite') return { stop() {} };
  const file = store.raw.handle.name;
  const { logger, afterMs } = options;
  try {
    readFileSync('/proc/locks', 'utf8');
  } catch {
    logger.info({}, 'no /proc/locks on this system: a writer frozen while holding the SQLite write lock is not detected');
    return { stop() {} };
  }
  let frozen: { pid: number; since: number; reported: boolean } | undefined;
  const check = () => {
    const pid = writeLockHolder(file);
    if (pid === undefined || pid === process.pid || !isStopped(pid)) {
      frozen = undefined;
      return;
    }
    const now = Date.now();
    if (frozen?.pid !== pid) frozen = { pid, since: now, reported: false };
    const heldMs = now - frozen.since;
    if (heldMs < afterMs) return;
    if (!sameExecutable(pid)) {
      if (!frozen.reported) logger.warn({ pid, heldMs }, 'a stopped process that is not Sluice holds the SQLite write lock; every write waits until it is continued or ends');
      frozen.reported = true;
      return;
    }
    try {
      process.kill(pid, 'SIGKILL');
      logger.warn({ pid, frozenForMs: heldMs, boundMs: afterMs }, 'killed a stopped Sluice process that held the SQLite write lock: writes resume, its request is taken over from the checkpoint');
    } catch (error) {
      if (!frozen.reported) logger.warn({ pid, err: { message: (error as Error).message } }, 'could not kill the stopped process holding the SQLite write lock');
      frozen.reported = true;
      return;
    }
    frozen = undefined;
  };
  const timer = setInterval(() => {
    try {
      check();
    } catch {
      // /proc read races with a process exiting: look again next time.
    }
  }, options.everyMs ?? 250);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
