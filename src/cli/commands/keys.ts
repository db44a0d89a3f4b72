import type { Command } from 'commander';
import { ensureEnvironment, generateApiKey, insertApiKey, listApiKeys, revokeApiKey } from '../../keys/api-key.repository.js';
import { checkEnvironmentName, CliError, withStore } from '../context.js';
import { isoOrDash, out, printNewKey, table } from '../print.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys (only their hashes are stored)');

  keys
    .command('create')
    .description('Create an API key, and its environment if it does not exist yet; prints the key once')
    .requiredOption('--environment <name>', 'environment the key opens, e.g. test or live')
    .action(async (options: { environment: string }) => {
      const environment = checkEnvironmentName(options.environment);
      const key = generateApiKey(environment);
      const created = await withStore(({ store }) =>
        store.db.transaction().execute(async (trx) => {
          const now = Date.now();
          return insertApiKey(trx, await ensureEnvironment(trx, environment, now), key, now);
        }),
      );
      printNewKey(`API key ${created.id} for environment '${environment}' (shown only once):`, key);
    });

  keys
    .command('list')
    .description('List API keys: id, prefix, environment, created, revoked (never the key itself)')
    .action(async () => {
      const rows = await withStore(({ store }) => listApiKeys(store.db));
      if (rows.length === 0) return out('No API keys.');
      out(
        table(
          ['id', 'prefix', 'environment', 'created', 'revoked'],
          rows.map((r) => [String(r.id), r.key_prefix, r.environment, isoOrDash(r.created_at), isoOrDash(r.revoked_at)]),
        ),
      );
    });

  keys
    .command('revoke')
    .description('Revoke an API key by id (see `keys list`); requests with it answer 401 at once')
    .argument('<id>', 'the key id')
    .action(async (rawId: string) => {
      if (!/^\d{1,15}$/.test(rawId)) throw new CliError(`A key id is a positive integer (got "${rawId}"); see \`sluice keys list\`.`);
      const id = Number(rawId);
      await withStore(async ({ store }) => {
        if (await revokeApiKey(store.db, id, Date.now())) return out(`Revoked API key ${id}.`);
        const existing = (await listApiKeys(store.db)).find((k) => k.id === id);
        if (!existing) throw new CliError(`There is no API key ${id}; see \`sluice keys list\`.`);
        out(`API key ${id} was already revoked at ${isoOrDash(existing.revoked_at)}.`);
      });
    });
}
