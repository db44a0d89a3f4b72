import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './connect.js';
import { up0001 } from './migrations/0001_initial.js';
import { up0002 } from './migrations/0002_records_by_bulk_request.js';
import { up0003 } from './migrations/0003_stream_operations.js';
import { up0004 } from './migrations/0004_records_load_path.js';
import { up0005 } from './migrations/0005_results_format_and_request_streams.js';
import { up0006 } from './migrations/0006_segments.js';
import { up0007 } from './migrations/0007_records_one_request_index.js';
import { up0008 } from './migrations/0008_webhooks.js';
import { up0009 } from './migrations/0009_records_stream_lock_not_key.js';

/** Numbered, append-only. Each entry's name sorts in the order it must run. */
function migrations(store: Store): Record<string, Migration> {
  return {
    '0001_initial': { up: up0001(store.caps) },
    '0002_records_by_bulk_request': { up: up0002 },
    '0003_stream_operations': { up: up0003(store.caps) },
    '0004_records_load_path': { up: up0004(store.caps) },
    '0005_results_format_and_request_streams': { up: up0005 },
    '0006_segments': { up: up0006(store.caps) },
    '0007_records_one_request_index': { up: up0007 },
    '0008_webhooks': { up: up0008(store.caps) },
    '0009_records_stream_lock_not_key': { up: up0009(store.caps) },
  };
}

async function migrator(store: Store): Promise<Migrator> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(store) };
  const schema = store.caps.schemas
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
    : undefined;
  return new Migrator({ db: store.db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrateToLatest(store: Store): Promise<string[]> {
  const { error, results } = await (await migrator(store)).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Up to and including the named migration: tests build a database as an older release left it. */
export async function migrateTo(store: Store, name: string): Promise<void> {
  const { error } = await (await migrator(store)).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
