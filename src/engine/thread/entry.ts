import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../db/open-store.js';
import { createLogger } from '../../logger.js';
import type { EngineMetrics } from '../../metrics.js';
import { Worker } from '../worker.js';
import { Deliverer } from '../../webhooks/delivery/deliverer.js';
import type { EngineThreadData, FromEngine, ToEngine } from './messages.js';

// The engine of `sluice serve`, in a thread of its own (see engine-thread.ts for why). It opens its own
// store (better-sqlite3 handles and pg pools cannot cross threads), runs the same Worker as `sluice
// worker`, and reports to the main thread, which owns /metrics.

const port = parentPort!;
const { config } = workerData as EngineThreadData;
const post = (message: FromEngine) => port.postMessage(message);

const metrics: EngineMetrics = {
  itemsProcessed: { inc: (labels, value) => value > 0 && post({ type: 'items', outcome: labels.outcome, value }) },
  chunkDuration: { observe: (seconds) => post({ type: 'chunk', seconds }) },
  requestsFinished: { inc: (labels) => post({ type: 'finished', status: labels.status }) },
  leasesLost: { inc: () => post({ type: 'lease-lost' }) },
  copyFallbacks: { inc: (labels) => post({ type: 'copy-fallback', reason: labels.reason }) },
  webhookDeliveries: { inc: (labels) => post({ type: 'webhook-delivery', outcome: labels.outcome }) },
};

try {
  const logger = createLogger(config);
  // LISTEN here, not in the main thread: this is where the workers wait for work.
  const store = await openStore(config, { listen: true, migrate: false });
  const worker = new Worker(store, config.engine, { metrics, logger: logger.child({ component: 'worker' }) });
  // Webhook deliveries go out wherever a worker runs: here for `sluice serve`.
  const deliverer = new Deliverer(store, config.webhooks, { metrics, logger: logger.child({ component: 'webhooks' }), workerId: worker.id });
  port.on('message', (message: ToEngine) => {
    if (message.type === 'wake') worker.wake();
    else if (message.type === 'stop') {
      void (async () => {
        await Promise.all([worker.stop(), deliverer.stop()]);
        await store.close();
        post({ type: 'stopped' });
        port.close();
      })().catch((error: unknown) => post({ type: 'failed', message: (error as Error).message }));
    }
  });
  worker.start();
  deliverer.start();
  post({ type: 'started' });
} catch (error) {
  post({ type: 'failed', message: (error as Error).message });
  port.close();
}
