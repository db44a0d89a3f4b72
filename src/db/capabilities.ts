// Every difference between PostgreSQL and SQLite that the code relies on is named here, once, with why.
// Code asks for a capability ("can I skip locked rows?"), never for a database ("is this SQLite?"); the only
// files that branch on the dialect itself are the per-dialect statements in src/engine/sql/ and src/db/.

export type Dialect = 'postgres' | 'sqlite';

export interface Capabilities {
  dialect: Dialect;
  /**
   * PostgreSQL: `FOR UPDATE SKIP LOCKED` lets many workers claim different requests at once without waiting
   * on each other. SQLite has one writer at a time, so a single `UPDATE ... WHERE id = (SELECT ...)` is
   * already atomic and nothing needs skipping.
   */
  skipLocked: boolean;
  /**
   * PostgreSQL `LISTEN/NOTIFY` wakes workers in any process on any machine the moment a request is
   * created. SQLite has no cross-process signal: workers in the same process are woken in memory, workers
   * in other processes find new work by polling.
   */
  crossProcessWakeup: boolean;
  /**
   * PostgreSQL: a round trip costs far more than a row, so a chunk is written with one statement per table
   * using array parameters (`unnest`). SQLite runs in-process: a cached prepared statement per row costs
   * microseconds and needs no array support (which SQLite lacks).
   */
  arrayParameters: boolean;
  /**
   * PostgreSQL: row locks (`SELECT ... FOR UPDATE`) serialize a chunk commit with a takeover of the same
   * request. SQLite: every write transaction starts with `BEGIN IMMEDIATE`, which takes the database's
   * single write lock up front, so there is nothing finer to lock.
   */
  rowLocks: boolean;
  /**
   * PostgreSQL namespaces tables in schemas and Sluice may live in any of them (one database, several
   * deployments or test runs). Kysely's migrator looks for its bookkeeping tables in every schema unless told
   * which one, so it is given `current_schema()`. SQLite has one namespace per file.
   */
  schemas: boolean;
  /**
   * PostgreSQL `COPY ... FROM STDIN` loads rows as a stream of text lines, without the per-row work and the
   * array literals of an `unnest` insert: a chunk's new records are written that way (SPEC §4,
   * docs/engine.md "How records are written"), with an `INSERT ... ON CONFLICT` redo when a concurrent writer
   * takes an external id meanwhile. SQLite has no COPY, and needs none: its prepared insert per row costs
   * microseconds in-process and nobody can write between its look-up and its insert.
   */
  copyFrom: boolean;
  /**
   * How the API learns that a bulk request moved, for its live event streams (docs/live-updates.md).
   * PostgreSQL: every statement that moves a request also sends `pg_notify` in its transaction; the
   * notification is delivered on commit, in commit order, to a listening connection in any process, so a
   * worker on another machine drives the events. SQLite has no cross-process signal (the worker may be another
   * process, `sluice worker`, on the same file): one poller per process reads the watched rows every
   * SLUICE_SSE_POLL_MS, shared by every open stream. PostgreSQL polls too, rarely, for what a dropped
   * listening connection may have missed.
   */
  changeNotifications: boolean;
  /**
   * PostgreSQL: a request's next chunk may begin its transaction, on a second connection, while the chunk
   * before it commits: it locks its streams and COPYs its records, then waits for the one before to commit
   * before it writes results, counts and checkpoint, whose statement is its fence (docs/engine.md "Two
   * chunks in flight"). The engine and the server then work side by side instead of taking turns. SQLite has one
   * writer: a second write transaction could only wait for the first.
   */
  overlappingChunks: boolean;
}

export const CAPABILITIES: Record<Dialect, Capabilities> = {
  postgres: { dialect: 'postgres', skipLocked: true, crossProcessWakeup: true, arrayParameters: true, rowLocks: true, schemas: true, copyFrom: true, changeNotifications: true, overlappingChunks: true },
  sqlite: { dialect: 'sqlite', skipLocked: false, crossProcessWakeup: false, arrayParameters: false, rowLocks: false, schemas: false, copyFrom: false, changeNotifications: false, overlappingChunks: false },
};
