import type { Command } from 'commander';
import { CliError } from '../context.js';
import { out } from '../print.js';
import { connection, type ClientOptions } from '../client/api.js';
import { summarize, watchRequest } from '../client/watch-request.js';

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('Follow a bulk request until it ends, with a progress bar, then summarize it')
    .argument('<id>', 'bulk request id')
    .option('--json', 'print the final bulk request as JSON (no progress bar)')
    .option('--url <url>', 'Sluice base URL (default: SLUICE_URL or http://127.0.0.1:3000)')
    .option('--api-key <key>', 'API key (default: SLUICE_API_KEY)')
    .action(async (id: string, flags: ClientOptions & { json?: boolean }) => {
      if (!/^\d+$/.test(id)) throw new CliError(`bulk request id must be a number (got ${id})`);
      const conn = connection(flags);
      const final = await watchRequest(conn, Number(id), { bar: !flags.json });
      const { lines, exitCode } = summarize(conn, final);
      if (flags.json) out(JSON.stringify(final, null, 2));
      else for (const line of lines) out(line);
      process.exitCode = exitCode;
    });
}
