import type { Command } from 'commander';
import { findEnvironmentByName } from '../../keys/api-key.repository.js';
import type { Store } from '../../db/connect.js';
import { insertStream, listStreams } from '../../streams/data-stream.repository.js';
import { STREAM_KEY_PATTERN } from '../../streams/data-stream.schemas.js';
import { checkEnvironmentName, CliError, withStore } from '../context.js';
import { isoOrDash, out, table } from '../print.js';

async function environmentId(store: Store, name: string): Promise<number> {
  const environment = await findEnvironmentByName(store.db, checkEnvironmentName(name));
  if (!environment) throw new CliError(`There is no environment '${name}'; create one with \`sluice keys create --environment ${name}\`.`);
  return environment.id;
}

export function registerStreams(program: Command): void {
  const streams = program.command('streams').description('Manage data streams without going through the API');

  streams
    .command('create')
    .description('Create a data stream (type api)')
    .argument('<key>', 'the immutable stream key: 1-64 of A-Z a-z 0-9 _ . : -')
    .requiredOption('--name <name>', 'human-readable name')
    .option('--description <text>', 'optional description')
    .option('--environment <name>', 'environment the stream belongs to', 'test')
    .action(async (key: string, options: { name: string; description?: string; environment: string }) => {
      if (!new RegExp(STREAM_KEY_PATTERN).test(key)) {
        throw new CliError(`A data stream key is 1-64 characters of letters, digits, "_", ".", ":" or "-" (got "${key}").`);
      }
      if (options.name.length < 1 || options.name.length > 200) throw new CliError('--name must be 1-200 characters.');
      if ((options.description?.length ?? 0) > 1000) throw new CliError('--description must be at most 1,000 characters.');
      const row = await withStore(async ({ store }) =>
        insertStream(store.db, {
          environment_id: await environmentId(store, options.environment),
          key,
          name: options.name,
          description: options.description ?? null,
          type: 'api',
          now: Date.now(),
        }),
      );
      if (!row) throw new CliError(`Environment '${options.environment}' already has a data stream '${key}'.`);
      out(`Created data stream '${row.key}' (id ${row.id}) in environment '${options.environment}'.`);
    });

  streams
    .command('list')
    .description('List the data streams of an environment, newest first')
    .option('--environment <name>', 'environment to list', 'test')
    .action(async (options: { environment: string }) => {
      const rows = await withStore(async ({ store }) => listStreams(store.db, await environmentId(store, options.environment)));
      if (rows.length === 0) return out(`Environment '${options.environment}' has no data streams.`);
      out(table(['key', 'name', 'id', 'created'], rows.map((r) => [r.key, r.name, String(r.id), isoOrDash(r.created_at)])));
    });
}
