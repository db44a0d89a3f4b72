// Which database errors are weather (the database is away, restarting, or busy with another writer) and
// which are not (a bug, a constraint, bad SQL). Weather is retried by the engine and answered 503 by the
// API; anything else keeps its old path (the chunk fails, the API answers 500).

/** What kind of passing fault an error is, or undefined when it is not one. */
export type DatabaseFault = 'unavailable' | 'busy';

/**
 * SQLSTATE classes and codes that mean the session or the server went away, not that the statement was wrong:
 * 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot connect now" (starting up), 53300
 * too many connections, 25P03 our own idle-in-transaction timeout ended the session (a frozen worker, continued).
 */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '25P03', '58030']);

/** Node's socket errors while connecting to or talking with PostgreSQL. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * pg reports a dropped connection with messages only, no code: "Connection terminated unexpectedly",
 * "Connection terminated", "Client has encountered a connection error and is not queryable",
 * "timeout exceeded when trying to connect" (the pool's connectionTimeoutMillis).
 */
const PG_MESSAGES = /connection terminated|not queryable|timeout exceeded when trying to connect|connection error|terminating connection/i;

export function databaseFault(error: unknown): DatabaseFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLite: another connection (another process, or the other thread of `sluice serve`) holds the write
    // lock longer than our wait; SQLITE_BUSY_SNAPSHOT and friends share the prefix.
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
    if (code.startsWith('08') || PG_UNAVAILABLE.has(code) || SOCKET_CODES.has(code)) return 'unavailable';
  }
  if (PG_MESSAGES.test(error.message)) return 'unavailable';
  // An error that wraps the fault (as its `cause`) is the fault.
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? databaseFault(cause) : undefined;
}
