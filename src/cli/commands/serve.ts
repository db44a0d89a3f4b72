import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { startServer, startWorker } from '../../server.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the API with an embedded worker (migrates on start; creates a first API key on an empty database)')
    .option('--no-worker', 'API only: leave bulk requests to separate `sluice worker` processes')
    .action(async (options: { worker: boolean }) => {
      await startServer(loadConfig(), { worker: options.worker });
    });

  program
    .command('worker')
    .description('Run a worker only: claims and processes bulk requests, serves no HTTP')
    .action(async () => {
      await startWorker(loadConfig());
    });
}
