import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerServe } from './commands/serve.js';
import { registerStreams } from './commands/streams.js';
import { registerUpload } from './commands/upload.js';
import { registerWatch } from './commands/watch.js';
import { registerWebhooks } from './commands/webhooks.js';
import { CliError } from './context.js';
import { boundHeapGrowth } from '../threads/heap-growth.js';

// Exit codes: 0 done, 1 the command failed, 2 the command could not start (bad configuration or usage).
// Every message is one readable line or block on stderr; stacks are for bugs, not for typos in PORT.

// Before anything of size is allocated: every heap of the process grows by at most half past what it keeps.
boundHeapGrowth();

// The same relative path from src/cli/main.ts (tsx) and dist/cli/main.js (built).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('sluice')
  .description('Bulk ingestion of financial records into data streams (End Close API v1 compatible).')
  .version(version)
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerMigrate(program);
registerKeys(program);
registerStreams(program);
registerUpload(program);
registerWatch(program);
registerWebhooks(program);

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '3D000', '28P01', '28000']);

function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander already printed it
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`sluice: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  // The URL itself is not repeated: it may carry a password.
  const hint = typeof code === 'string' && UNREACHABLE.has(code) ? ' (is the database running, and DATABASE_URL right?)' : '';
  process.stderr.write(`sluice: ${message}${hint}\n`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(error);
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
