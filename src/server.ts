import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { out, printNewKey } from './cli/print.js';
import type { Config } from './config.js';
import { retryWhileBusy } from './db/backoff.js';
import { frozenWriterBound, watchFrozenWriter } from './db/frozen-writer.js';
import { openStore, WARM_CONNECTIONS } from './db/open-store.js';
import { EngineThread } from './engine/thread/engine-thread.js';
import { StagingThreads } from './staging/staging-threads.js';
import { Worker } from './engine/worker.js';
import { Deliverer } from './webhooks/delivery/deliverer.js';
import { registerWebhookGauges } from './webhooks/metrics.js';
import { bootstrapIfEmpty } from './keys/api-key.repository.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { listenForMetrics, type MetricsListener } from './metrics-listener.js';

// Process lifecycle only: open the store, migrate, bootstrap, listen, run the worker, and undo it all in
// order on SIGTERM/SIGINT. What the API does lives in app.ts, what the worker does in engine/.

export interface Running {
  /** Where the API answers; absent for a worker-only process. */
  url?: string;
  /** Where a worker-only process serves /metrics; absent with `--no-metrics` (and for `serve`, whose API has it). */
  metricsUrl?: string;
  /** Graceful: stop accepting, let the worker give back its lease, close the database. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Run the embedded worker (false for `serve --no-worker`). */
  worker: boolean;
  /** Exit the process on SIGTERM/SIGINT after stopping (default true); embedders pass false. */
  handleSignals?: boolean;
}

/**
 * A worker that has not released its lease by then is abandoned: its lease expires and another worker
 * resumes from the last checkpoint, so giving up loses nothing, it only delays that request.
 */
const SHUTDOWN_TIMEOUT_MS = 30_000;

export async function startServer(config: Config, options: StartOptions): Promise<Running> {
  const logger = createLogger(config);
  // The API's store does not LISTEN for wake-ups: the engine thread opens its own store, and listens there.
  const store = await openStore(config, { listen: false, migrate: true, warmConnections: WARM_CONNECTIONS });
  // In the main thread, not the engine thread: an API-only `serve --no-worker` watches too.
  const watch = watchFrozenWriter(store, { afterMs: frozenWriterBound(config.engine.leaseMs), logger: logger.child({ component: 'frozen-writer' }) });
  let app: FastifyInstance | undefined;
  let engine: EngineThread | undefined;
  let staging: StagingThreads | undefined;
  try {
    const metrics = createMetrics();
    // Before the API: a body must never arrive with nowhere to be staged.
    if (config.stagingThreads > 0) {
      staging = await StagingThreads.start(config, config.stagingThreads, logger, (error) => {
        logger.fatal({ err: { type: error.name, message: error.message } }, 'a staging thread failed: exiting');
        process.exit(1);
      });
    }
    app = await buildApp({ store, config, metrics, stager: staging }, { loggerInstance: logger });
    await app.listen({ host: config.host, port: config.port });
    const url = displayUrl(app.server.address() as AddressInfo);

    // After listening, so a start that fails (port taken) does not spend the one showing of the key.
    const boot = await retryWhileBusy(() => bootstrapIfEmpty(store.db, config.bootstrapKey, Date.now()));
    if (boot && config.bootstrapKey) {
      // The operator chose the key, so it is not echoed into whatever collects stdout.
      out(`Created environment '${boot.environment}' with the API key from SLUICE_BOOTSTRAP_KEY.`);
    } else if (boot) {
      printNewKey(`Created environment '${boot.environment}'. Your API key (shown only once):`, boot.key);
    }

    if (options.worker) {
      engine = new EngineThread(config, store, metrics, logger, (error) => {
        logger.fatal({ err: { type: error.name, message: error.message } }, 'the engine thread failed: exiting');
        process.exit(1);
      });
      await engine.ready();
    }

    const running: Running = {
      url,
      stop: once(async () => {
        // Stop accepting and stop claiming together; both still need the store, which closes last. The
        // staging threads stop once the API has answered the bodies it took in.
        await Promise.all([app?.close().then(() => staging?.stop()), engine?.stop()]);
        watch.stop();
        await store.close();
      }),
    };
    // Before the ready line: whoever reads it may signal at once, and must get a graceful stop.
    if (options.handleSignals ?? true) exitOnSignals(running, logger);
    // A line of its own, stable in wording, so scripts and tests can learn a port chosen with PORT=0.
    out(`Listening on ${url}${engine ? '' : ' (API only, no worker)'}`);
    return running;
  } catch (error) {
    // A listening server would keep the process alive after the failure is reported.
    await app?.close().catch(() => {});
    await staging?.stop().catch(() => {});
    await engine?.stop().catch(() => {});
    watch.stop();
    await store.close().catch(() => {});
    throw error;
  }
}

/** The worker-only process (`sluice worker`): no API, only /metrics on a port of its own unless `metrics: false`. */
export async function startWorker(config: Config, options: { handleSignals?: boolean; metrics?: boolean } = {}): Promise<Running> {
  const logger = createLogger(config);
  const store = await openStore(config, { listen: true, migrate: true });
  const metrics = createMetrics();
  registerWebhookGauges(metrics.registry, store, Date.now);
  let worker: Worker;
  let deliverer: Deliverer;
  let listener: MetricsListener | undefined;
  try {
    // Before the worker claims anything: a taken port must stop the start, not a request half done.
    if (options.metrics ?? true) listener = await listenForMetrics(metrics.registry, config.workerMetrics);
    worker = new Worker(store, config.engine, { metrics, logger: logger.child({ component: 'worker' }) });
    deliverer = new Deliverer(store, config.webhooks, { metrics, logger: logger.child({ component: 'webhooks' }), workerId: worker.id });
  } catch (error) {
    await listener?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
  worker.start();
  deliverer.start();
  const watch = watchFrozenWriter(store, { afterMs: frozenWriterBound(config.engine.leaseMs), logger: logger.child({ component: 'frozen-writer' }) });
  const running: Running = {
    ...(listener ? { metricsUrl: `${displayUrl(listener.address)}/metrics` } : {}),
    stop: once(async () => {
      watch.stop();
      // Metrics stay up while the worker drains its chunk: the last counts of a shutdown can still be scraped.
      await Promise.all([worker.stop(), deliverer.stop()]);
      await listener?.close();
      await store.close();
    }),
  };
  if (options.handleSignals ?? true) exitOnSignals(running, logger);
  out(`Worker started on ${store.caps.dialect}`);
  // Stable wording, like `Listening on`: with SLUICE_WORKER_METRICS_PORT=0 it is how to learn the port.
  if (running.metricsUrl) out(`Metrics on ${running.metricsUrl}`);
  return running;
}

function exitOnSignals(running: Running, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** A wildcard bind address is not something a browser or curl can open. */
function displayUrl(address: AddressInfo): string {
  const host = ['0.0.0.0', '::'].includes(address.address) ? 'localhost' : address.address;
  return `http://${address.family === 'IPv6' && host !== 'localhost' ? `[${host}]` : host}:${address.port}`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}
