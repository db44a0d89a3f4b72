import { loadConfig, type Config } from '../config.js';
import { connect, type Store } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';

/** A mistake the user can fix (unknown id, bad name): its message is printed without a stack, exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export const ENVIRONMENT_NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function checkEnvironmentName(name: string): string {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new CliError(`Environment names are 1-32 characters: a lowercase letter, then lowercase letters, digits or "_" (got "${name}").`);
  }
  return name;
}

/**
 * Runs a management command against the configured database. It migrates first, like every process does
 * on start, so `keys create` works on a database nothing has touched yet.
 */
export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(store);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
