import type BetterSqlite3 from 'better-sqlite3';
import type { Transaction } from 'kysely';
import type { Store } from '../../db/connect.js';
import type { Database } from '../../db/database.js';

const cache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** Prepared once per connection and reused: preparing costs more than running a small insert. */
export function statement(handle: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let statements = cache.get(handle);
  if (!statements) {
    statements = new Map();
    cache.set(handle, statements);
  }
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = handle.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

/**
 * The raw SQLite handle, for use inside `trx` only. The transaction holds Kysely's connection mutex, which
 * is what makes synchronous use of the shared handle safe.
 */
export function sqliteHandle(store: Store, _trx: Transaction<Database>): BetterSqlite3.Database | undefined {
  return store.raw.kind === 'sqlite' ? store.raw.handle : undefined;
}
