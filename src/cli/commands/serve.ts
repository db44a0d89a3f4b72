import type { Command } from 'commander';
import { loadConfig } from '../../config.js';

// The server is imported only when a command runs it: every other command (keys, streams, the client
// commands) starts a second sooner without Fastify, the routes and the engine.

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the API with an embedded worker (migrates on start; creates a first API key on an empty database)')
    .option('--no-worker', 'API only: leave bulk requests to separate `sluice worker` processes')
    .action(async (options: { worker: boolean }) => {
      const config = loadConfig();
      const { startServer } = await import('../../server.js');
      await startServer(config, { worker: options.worker });
    });

  program
    .command('worker')
    .description('Run a worker only: claims and processes bulk requests, serves no HTTP')
    .action(async () => {
      const config = loadConfig();
      const { startWorker } = await import('../../server.js');
      await startWorker(config);
    });
}
