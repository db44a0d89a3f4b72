import { loadConfig, type Config } from '../config.js';
import type { Store } from '../db/connect.js';
import { describeDatabase } from '../db/location.js';
import { actingOn } from './print.js';

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

export interface CommandContext {
  store: Store;
  config: Config;
  /** Migrations this run applied (empty when the schema was already current). */
  migrated: string[];
}

/**
 * Runs a management command against the configured database. It migrates first, like every process does
 * on start, so `keys create` works on a database nothing has touched yet, and says which database it is
 * (stderr) before touching it. The drivers load only here:
 * client commands (upload, watch) never need them.
 */
export async function withStore<T>(fn: (context: CommandContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  actingOn(describeDatabase(config));
  const [{ connect }, { migrateToLatest }] = await Promise.all([import('../db/connect.js'), import('../db/migrate.js')]);
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const migrated = await migrateToLatest(store);
    return await fn({ store, config, migrated });
  } finally {
    await store.close();
  }
}
