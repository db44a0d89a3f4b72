import type { Command } from 'commander';
import { withStore } from '../context.js';
import { out } from '../print.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date (also done on every start)')
    .action(async () => {
      const applied = await withStore(async ({ migrated }) => migrated);
      out(applied.length === 0 ? 'Database schema is up to date.' : `Applied ${applied.length} migration(s): ${applied.join(', ')}`);
    });
}
