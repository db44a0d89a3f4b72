import type { Command } from 'commander';
import { findEnvironmentByName } from '../../keys/api-key.repository.js';
import type { Store } from '../../db/connect.js';
import { insertStream, listStreams } from '../../streams/data-stream.repository.js';
import { STREAM_KEY_PATTERN } from '../../streams/data-stream.schemas.js';
import { connection, describeServer, givenServerUrl, request, type ClientOptions, type Connection } from '../client/api.js';
import { checkEnvironmentName, CliError, withStore } from '../context.js';
import { isoOrDash, out, table } from '../print.js';

// One target: with --url or SLUICE_URL these commands go through the server's API, exactly where `sluice
// upload` sends files; without, they act on the database the configuration names (DATABASE_URL or
// SLUICE_DATA_DIR). Either way the first line on stderr says which.

interface TargetFlags extends ClientOptions {
  environment?: string;
}

interface StreamView {
  id: number;
  key: string;
  name: string;
  description?: string | null;
  created_at: string;
}

const DEFAULT_ENVIRONMENT = 'test';
const GENERATED_KEY = /^sk_([a-z][a-z0-9_]{0,31})_[A-Za-z0-9_-]{27}$/;

async function environmentId(store: Store, name: string): Promise<number> {
  const environment = await findEnvironmentByName(store.db, checkEnvironmentName(name));
  if (!environment) throw new CliError(`There is no environment '${name}'; create one with \`sluice keys create --environment ${name}\`.`);
  return environment.id;
}

/**
 * The server, when one is named. There the API key decides the environment: an --environment that the
 * key's own prefix contradicts (or that cannot be checked against it) is refused rather than ignored.
 */
function serverTarget(flags: TargetFlags): Connection | undefined {
  if (givenServerUrl(flags) === undefined) return undefined;
  const conn = connection(flags);
  if (flags.environment !== undefined) {
    checkEnvironmentName(flags.environment);
    const opens = GENERATED_KEY.exec(conn.apiKey)?.[1];
    if (opens !== flags.environment) {
      throw new CliError(
        `--environment ${flags.environment}: on a server the API key decides the environment` +
          `${opens ? ` and this key opens '${opens}'` : ''}; use a key of '${flags.environment}', or drop --environment`,
      );
    }
  }
  return conn;
}

function targetOptions(command: Command): Command {
  return command
    .option('--environment <name>', `environment, on the database (default: ${DEFAULT_ENVIRONMENT}); on a server the API key decides it`)
    .option('--url <url>', 'act on this Sluice server through its API (default: SLUICE_URL; neither: act on the database)')
    .option('--api-key <key>', 'API key for the server (default: SLUICE_API_KEY)');
}

export function registerStreams(program: Command): void {
  const streams = program
    .command('streams')
    .description('Manage data streams: through the API of the server at --url/SLUICE_URL, else on the configured database');

  targetOptions(
    streams
      .command('create')
      .description('Create a data stream (type api)')
      .argument('<key>', 'the immutable stream key: 1-64 of A-Z a-z 0-9 _ . : -')
      .requiredOption('--name <name>', 'human-readable name')
      .option('--description <text>', 'optional description'),
  ).action(async (key: string, options: TargetFlags & { name: string; description?: string }) => {
    if (!new RegExp(STREAM_KEY_PATTERN).test(key)) {
      throw new CliError(`A data stream key is 1-64 characters of letters, digits, "_", ".", ":" or "-" (got "${key}").`);
    }
    if (options.name.length < 1 || options.name.length > 200) throw new CliError('--name must be 1-200 characters.');
    if ((options.description?.length ?? 0) > 1000) throw new CliError('--description must be at most 1,000 characters.');

    const conn = serverTarget(options);
    if (conn) {
      const body = { key, name: options.name, ...(options.description !== undefined ? { description: options.description } : {}) };
      const created = await request<StreamView>(conn, '/v1/data_streams', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch((error: unknown) => {
        if (error instanceof CliError && /^422 data_stream_key_taken/.test(error.message)) {
          throw new CliError(`The environment of this API key already has a data stream '${key}' on ${describeServer(conn.base)}.`);
        }
        throw error;
      });
      return out(`Created data stream '${created.body.key}' (id ${created.body.id}).`);
    }

    const environment = options.environment ?? DEFAULT_ENVIRONMENT;
    const row = await withStore(async ({ store }) =>
      insertStream(store.db, {
        environment_id: await environmentId(store, environment),
        key,
        name: options.name,
        description: options.description ?? null,
        type: 'api',
        now: Date.now(),
      }),
    );
    if (!row) throw new CliError(`Environment '${environment}' already has a data stream '${key}'.`);
    out(`Created data stream '${row.key}' (id ${row.id}) in environment '${environment}'.`);
  });

  targetOptions(streams.command('list').description('List the data streams of an environment, newest first')).action(async (options: TargetFlags) => {
    const conn = serverTarget(options);
    const environment = options.environment ?? DEFAULT_ENVIRONMENT;
    const rows: StreamView[] = conn
      ? (await request<StreamView[]>(conn, '/v1/data_streams')).body
      : (await withStore(async ({ store }) => listStreams(store.db, await environmentId(store, environment)))).map((r) => ({
          ...r,
          created_at: isoOrDash(r.created_at),
        }));
    if (rows.length === 0) return out(conn ? 'The environment of this API key has no data streams.' : `Environment '${environment}' has no data streams.`);
    out(table(['key', 'name', 'id', 'created'], rows.map((r) => [r.key, r.name, String(r.id), r.created_at])));
  });
}
