import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection } from 'kysely';
import pg from 'pg';
import { CurrentSchemaPostgresDialect } from './current-schema-introspector.js';
import { CAPABILITIES, type Capabilities } from './capabilities.js';
import type { Database } from './database.js';
import { rememberClient } from './transaction-client.js';
import { sqliteFileIn } from './location.js';
import { CHANGES_CHANNEL, changedRequest, type ChangedRequest } from './change-channel.js';

const WAKEUP_CHANNEL = 'sluice_bulk_requests';

/** The handle every repository and the engine receive: typed queries, capabilities, the raw driver. */
export interface Store {
  db: Kysely<Database>;
  caps: Capabilities;
  /** The driver underneath, for the hot-path statements in src/engine/sql/. */
  /**
   * PostgreSQL: `idleTimeoutMs` is the idle_in_transaction_session_timeout every connection has; a COPY left
   * waiting on a frozen client, which that timeout does not cover, is ended after twice as long by the
   * workers' sweep (src/engine/sql/end-stalled-copies.ts).
   */
  raw: { kind: 'postgres'; pool: pg.Pool; idleTimeoutMs: number } | { kind: 'sqlite'; handle: BetterSqlite3.Database };
  /** Tell workers (here and, where the database can, elsewhere) that a request is ready. */
  wake(): void;
  /** Called on every wake-up signal; returns an unsubscribe function. */
  onWake(listener: () => void): () => void;
  /**
   * Where the database can signal it (capability `changeNotifications`): called with a bulk request (its id
   * and environment) after a transaction that moved it commits, in any process; with `undefined` when notifications may have
   * been lost (the listening connection was re-established), so that the listener re-reads what it watches.
   * The listening connection opens on the first subscription. Returns an unsubscribe function.
   */
  onBulkRequestChange(listener: (changed: ChangedRequest | undefined) => void): () => void;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** SQLite file path, overriding `dataDir` (tests use one file per test). */
  sqliteFile?: string;
  /** Subscribe to cross-process wake-ups (workers do; an API-only process has no need). */
  listen?: boolean;
  poolSize?: number;
  /**
   * PostgreSQL ends a session left idle inside a transaction after this long. A worker frozen mid-chunk
   * (SIGSTOP, a VM pause) would otherwise hold its row lock forever and no other worker could take the
   * request over; keep it well under the lease. Default 30 s.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * PostgreSQL: connections opened at start, so that the first burst of requests does not wait for them
   * (about 10 ms each here, and a backend forked on the same cores as the API). `sluice serve` warms its API
   * and staging stores; a failure to warm is no failure to start (they open on demand, as ever).
   */
  warmConnections?: number;
  /** Sees every query Kysely runs, as sent: the query-plan test EXPLAINs what the API's reads really run. */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}

/** Kysely's `log` option for `onQuery`, or nothing (no cost when unset). */
function queryLog(options: ConnectOptions) {
  const onQuery = options.onQuery;
  if (!onQuery) return {};
  return {
    log(event: { level: string; query: { sql: string; parameters: readonly unknown[] } }) {
      if (event.level === 'query') onQuery(event.query.sql, event.query.parameters);
    },
  };
}

/**
 * How long getting a PostgreSQL connection may take (opening one, or waiting for the pool to lend one)
 * before the attempt fails as a fault: the engine retries, the API answers 503 instead of hanging.
 */
const CONNECT_TIMEOUT_MS = 10_000;

/** int8/numeric arrive as strings from pg; ids, amounts and sums are safe integers, anything else is a bug. */
function parseSafeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`database returned ${value}, outside the safe integer range`);
  return n;
}

const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return parseSafeInteger;
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
};

export async function connect(options: ConnectOptions): Promise<Store> {
  return options.databaseUrl ? connectPostgres(options.databaseUrl, options) : connectSqlite(options);
}

async function connectPostgres(url: string, options: ConnectOptions): Promise<Store> {
  // A schema other than public is chosen in the URL itself: `?options=-c%20search_path%3Dname`.
  const idleTimeout = Math.max(100, Math.floor(options.idleInTransactionTimeoutMs ?? 30_000));
  const pool = new pg.Pool({
    connectionString: url,
    // Before the pool hands a new connection out (pg-pool awaits this hook): set from the 'connect' event, the
    // first query of whoever asked for the connection was queued behind it, which pg deprecates.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(`SET idle_in_transaction_session_timeout = ${idleTimeout}`).catch(() => {});
    },
    max: options.poolSize ?? 10,
    types: pgTypes as pg.CustomTypesConfig,
    // A server that vanished without closing its sockets (a failover, a cut network) would leave a connect
    // hanging forever, and every API call and /readyz with it: fail after a bound, as a retryable fault.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Finds such a dead connection while it sits in the pool or waits on a long statement.
    keepAlive: true,
  });
  // An idle client that loses its server must not take the process down with it.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    // The pool listens for errors on idle clients only. A client in use (a transaction, a COPY) whose
    // connection drops (a restart, 25P03 after a freeze) emits 'error' too, and with no listener that is an
    // uncaught exception that killed the process. Its query in flight is rejected on its own; the pool
    // drops the client when it comes back unqueryable.
    client.on('error', () => {});
    rememberClient(pool, client);
  });
  if (options.warmConnections) {
    const opened = await Promise.allSettled(Array.from({ length: Math.min(options.warmConnections, options.poolSize ?? 10) }, () => pool.connect()));
    for (const result of opened) if (result.status === 'fulfilled') result.value.release();
  }
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }), ...queryLog(options) });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const listener = options.listen ? await listenOn(url, WAKEUP_CHANNEL, () => events.emit('wake'), () => events.emit('wake')) : undefined;
  // Opened on first use: only a process that serves live event streams needs it.
  let changes: Promise<{ close(): Promise<void> } | undefined> | undefined;
  let closed = false;
  const startChanges = () =>
    listenOn(
      url,
      CHANGES_CHANNEL,
      (payload, schema) => {
        const changed = changedRequest(payload, schema);
        if (changed !== undefined) events.emit('change', changed);
      },
      () => events.emit('change', undefined),
    ).catch(() => {
      // Not reachable now: the next subscription tries again; the subscriber's own poll covers the gap.
      changes = undefined;
      return undefined;
    });
  return {
    db,
    caps: CAPABILITIES.postgres,
    raw: { kind: 'postgres', pool, idleTimeoutMs: idleTimeout },
    wake() {
      events.emit('wake');
      pool.query(`NOTIFY ${WAKEUP_CHANNEL}`).catch(() => {});
    },
    onWake(fn) {
      events.on('wake', fn);
      return () => events.off('wake', fn);
    },
    onBulkRequestChange(fn) {
      if (!closed) changes ??= startChanges();
      events.on('change', fn);
      return () => events.off('change', fn);
    },
    async close() {
      closed = true;
      await listener?.close();
      await (await changes)?.close();
      await db.destroy();
    },
  };
}

/** The name listening sessions carry in pg_stat_activity (operators, and a test, can tell them apart). */
export const LISTENER_APPLICATION_NAME = 'sluice-listener';

/**
 * A dedicated connection that LISTENs on one channel (wake-ups, or bulk request changes). When it drops (a
 * database restart, a network blip) it reconnects with backoff and calls `reconnected`: a notification sent
 * while it was away is lost, so workers look for work themselves and event streams re-read their rows.
 * Polling covers the gap meanwhile. `notified` gets the payload and the connection's current schema.
 */
async function listenOn(
  url: string,
  channel: string,
  notified: (payload: string | undefined, schema: string) => void,
  reconnected: () => void,
): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let current: pg.Client | undefined;
  let delay = 100;
  const connectOnce = async () => {
    const client = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    let schema = '';
    client.on('error', () => {});
    client.on('notification', (message) => notified(message.payload, schema));
    client.on('end', () => {
      if (closed || current !== client) return;
      current = undefined;
      setTimeout(() => void reconnect(), delay).unref();
    });
    try {
      await client.connect();
      schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? '';
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    current = client;
    delay = 100;
  };
  const reconnect = async () => {
    if (closed) return;
    try {
      await connectOnce();
      reconnected();
    } catch {
      delay = Math.min(delay * 2, 5_000);
      setTimeout(() => void reconnect(), delay).unref();
    }
  };
  await connectOnce();
  return {
    async close() {
      closed = true;
      await current?.end().catch(() => {});
    },
  };
}

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/** The one connection of a SQLite store is lent to one user at a time (a query, or a whole transaction). */
class Lender {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

/**
 * Kysely's SQLite driver, with two changes to how a write transaction starts.
 *
 * `BEGIN IMMEDIATE`, not Kysely's deferred `BEGIN`: a deferred reader that later writes fails at once with
 * SQLITE_BUSY when another connection wrote meanwhile; an immediate one takes the write lock first.
 *
 * Waiting for that lock happens here, asynchronously, with the connection lent out meanwhile, and not in
 * SQLite's busy handler, which sleeps the whole thread: in `sluice serve` the engine thread holds the write
 * lock for a chunk at a time, and while the API thread's `BEGIN IMMEDIATE` slept in the busy handler, every
 * HTTP request waited too (status reads p99 over 500 ms with 8 clients posting bulk requests). Statements
 * outside transactions keep the busy handler (`BUSY_TIMEOUT_MS`): they are single short writes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  private readonly lender = new Lender();
  private connection: Promise<DatabaseConnection> | undefined;

  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly handle: BetterSqlite3.Database,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    // The parent lends its single connection once, to this driver, which lends it on.
    this.connection ??= super.acquireConnection();
    const connection = await this.connection;
    await this.lender.lock();
    return connection;
  }

  override async releaseConnection(): Promise<void> {
    this.lender.unlock();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      this.handle.pragma('busy_timeout = 0');
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      } finally {
        this.handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      // No transaction is open: others may use the connection while this one waits for the lock.
      this.lender.unlock();
      await new Promise((resolve) => setTimeout(resolve, pause));
      await this.lender.lock();
    }
  }
}

/**
 * SQLite does run DDL inside transactions; Kysely's adapter just does not say so. Saying it makes the
 * migrator run under one `BEGIN IMMEDIATE`, so processes starting together on a fresh file migrate one
 * after the other instead of racing to create the same tables.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly handle: BetterSqlite3.Database,
  ) {
    super(cfg);
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.cfg, this.handle);
  }
  override createAdapter() {
    return new TransactionalDdlSqliteAdapter();
  }
}

async function connectSqlite(options: ConnectOptions): Promise<Store> {
  let file = options.sqliteFile;
  if (!file) {
    const dir = options.dataDir ?? './data';
    mkdirSync(dir, { recursive: true });
    file = sqliteFileIn(dir);
  }
  const handle = new BetterSqlite3(file);
  handle.pragma('journal_mode = WAL');
  // FULL: a committed chunk (and a 202's staged items) survive power loss, not only a process crash.
  handle.pragma('synchronous = FULL');
  handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  handle.pragma('foreign_keys = ON');
  // Kysely prepares every statement it runs; caching them by text saves the re-parse on hot queries.
  const statements = new Map<string, BetterSqlite3.Statement>();
  const database = {
    close: () => handle.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = handle.prepare(sql);
        if (statements.size > 500) statements.clear();
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }, handle), ...queryLog(options) });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  return {
    db,
    caps: CAPABILITIES.sqlite,
    raw: { kind: 'sqlite', handle },
    wake() {
      events.emit('wake');
    },
    onWake(fn) {
      events.on('wake', fn);
      return () => events.off('wake', fn);
    },
    // No signal crosses processes on SQLite (capability changeNotifications): event streams poll instead.
    onBulkRequestChange() {
      return () => {};
    },
    async close() {
      await db.destroy();
    },
  };
}
