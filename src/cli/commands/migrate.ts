import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { connect } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { out } from '../print.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date (also done on every start)')
    .action(async () => {
      const config = loadConfig();
      const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(store);
        out(applied.length === 0 ? 'Database schema is up to date.' : `Applied ${applied.length} migration(s): ${applied.join(', ')}`);
      } finally {
        await store.close();
      }
    });
}
