import type { Command } from 'commander';
import { describeDatabase } from '../../db/location.js';
import { ensureEnvironment, generateApiKey, insertApiKey, listApiKeys, revokeApiKey, setResultsFormat } from '../../keys/api-key.repository.js';
import { parseResultsFormat, RESULTS_FORMATS, type ResultsFormat } from '../../keys/results-format.js';
import { checkEnvironmentName, CliError, withStore } from '../context.js';
import { isoOrDash, out, printNewKey, table } from '../print.js';

const RESULTS_FORMAT_HELP = `how GET /v1/bulk_requests/{id} writes results: ${RESULTS_FORMATS.join(' or ')} (docs/compatibility.md)`;

function resultsFormatFlag(raw: string): ResultsFormat {
  const format = parseResultsFormat(raw);
  if (!format) throw new CliError(`--results-format is ${RESULTS_FORMATS.map((f) => `"${f}"`).join(' or ')} (got "${raw}").`);
  return format;
}

type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];

/**
 * A key named by its id, by its prefix as `keys list` shows it (with or without the "…"), or by the key
 * itself. A prefix that fits several keys is refused, naming their ids.
 */
function findKey(rows: KeyRow[], ref: string): KeyRow {
  const text = ref.trim().replace(/(…|\.\.\.)$/, '');
  if (/^\d{1,15}$/.test(text)) {
    const byId = rows.find((r) => r.id === Number(text));
    if (byId) return byId;
    throw new CliError(`There is no API key ${text}; see \`sluice keys list\`.`);
  }
  if (text.length < 4) throw new CliError(`Name a key by its id or by the prefix \`sluice keys list\` shows (got "${ref}").`);
  const matches = rows.filter((r) => {
    const prefix = r.key_prefix.replace(/…$/, '');
    return text.startsWith(prefix) || prefix.startsWith(text);
  });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new CliError(`No API key has the prefix "${text.slice(0, 24)}"; see \`sluice keys list\`.`);
  throw new CliError(`"${text.slice(0, 24)}" fits API keys ${matches.map((m) => m.id).join(', ')}; name one by its id.`);
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys (only their hashes are stored)');

  keys
    .command('create')
    .description('Create an API key, and its environment if it does not exist yet; prints the key once')
    .requiredOption('--environment <name>', 'environment the key opens, e.g. test or live')
    .option('--results-format <format>', `${RESULTS_FORMAT_HELP}; default page`)
    .action(async (options: { environment: string; resultsFormat?: string }) => {
      const environment = checkEnvironmentName(options.environment);
      const resultsFormat = options.resultsFormat === undefined ? 'page' : resultsFormatFlag(options.resultsFormat);
      const key = generateApiKey(environment);
      const { created, target } = await withStore(async ({ store, config }) => ({
        created: await store.db.transaction().execute(async (trx) => {
          const now = Date.now();
          return insertApiKey(trx, await ensureEnvironment(trx, environment, now), key, now, resultsFormat);
        }),
        target: describeDatabase(config),
      }));
      printNewKey(`API key ${created.id} for environment '${environment}', results format ${resultsFormat} (shown only once):`, key);
      out(`Created in ${target}.`);
    });

  keys
    .command('update')
    .description("Change an API key's settings; the key itself stays the same")
    .argument('<key>', 'the key id, its prefix as `keys list` shows it, or the key itself')
    .requiredOption('--results-format <format>', RESULTS_FORMAT_HELP)
    .action(async (ref: string, options: { resultsFormat: string }) => {
      const resultsFormat = resultsFormatFlag(options.resultsFormat);
      await withStore(async ({ store, config }) => {
        const row = findKey(await listApiKeys(store.db), ref);
        await setResultsFormat(store.db, row.id, resultsFormat);
        const was = row.results_format === resultsFormat ? ' (unchanged)' : ` (was ${row.results_format})`;
        out(`API key ${row.id} (${row.key_prefix}, environment '${row.environment}'): results format ${resultsFormat}${was}, in ${describeDatabase(config)}.`);
        if (row.revoked_at !== null) out(`Note: this key was revoked at ${isoOrDash(row.revoked_at)}; it opens nothing.`);
      });
    });

  keys
    .command('list')
    .description('List API keys: id, prefix, environment, created, revoked, results format (never the key itself)')
    .action(async () => {
      const rows = await withStore(({ store }) => listApiKeys(store.db));
      if (rows.length === 0) return out('No API keys.');
      out(
        table(
          ['id', 'prefix', 'environment', 'created', 'revoked', 'results'],
          rows.map((r) => [String(r.id), r.key_prefix, r.environment, isoOrDash(r.created_at), isoOrDash(r.revoked_at), r.results_format]),
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
