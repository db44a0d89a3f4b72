import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config.js';
import { describeDatabase } from '../../db/location.js';
import { actingOn } from '../print.js';

// The server is imported only when a command runs it: every other command (keys, streams, the client
// commands) starts a second sooner without Fastify, the routes and the engine.

function port(value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return value;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the API with an embedded worker (migrates on start; creates a first API key on an empty database)')
    .option('--no-worker', 'API only: leave bulk requests to separate `sluice worker` processes')
    .action(async (options: { worker: boolean }) => {
      const config = loadConfig();
      actingOn(describeDatabase(config));
      const { startServer } = await import('../../server.js');
      await startServer(config, { worker: options.worker });
    });

  program
    .command('worker')
    .description('Run a worker only: claims and processes bulk requests; serves /metrics on a port of its own')
    .option('--metrics-port <port>', 'port of /metrics (default: SLUICE_WORKER_METRICS_PORT or 9464; 0 picks a free one)', port)
    .option('--no-metrics', 'serve no /metrics')
    .action(async (options: { metrics: boolean; metricsPort?: string }) => {
      const config = loadConfig({ ...process.env, ...(options.metricsPort !== undefined ? { SLUICE_WORKER_METRICS_PORT: options.metricsPort } : {}) });
      actingOn(describeDatabase(config));
      const { startWorker } = await import('../../server.js');
      await startWorker(config, { metrics: options.metrics });
    });
}
