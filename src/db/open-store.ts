import type { Config } from '../config.js';
import { retryWhileBusy } from './backoff.js';
import { connect, type Store } from './connect.js';
import { migrateToLatest } from './migrate.js';

/** PostgreSQL connections the API and each staging thread open at start: enough for a burst of clients. */
export const WARM_CONNECTIONS = 4;

/**
 * The store of a process (or of the engine thread of `sluice serve`), configured from `config`. Every
 * process migrates on start (append-only, safe to run concurrently), so none meets an old schema; the
 * engine thread opens its store after its process has migrated and passes `migrate: false`.
 */
export async function openStore(config: Config, options: { listen: boolean; migrate: boolean; warmConnections?: number }): Promise<Store> {
  // A frozen worker's open transaction must end well before its lease does, or nobody can take over.
  const idleInTransactionTimeoutMs = Math.min(30_000, Math.floor(config.engine.leaseMs / 2));
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, listen: options.listen, idleInTransactionTimeoutMs, warmConnections: options.warmConnections });
  if (!options.migrate) return store;
  try {
    await retryWhileBusy(() => migrateToLatest(store), () => process.stderr.write('sluice: the database is locked by another process; waiting to migrate\n'));
    return store;
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}
