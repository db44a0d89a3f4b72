import type { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Store } from '../../db/connect.js';
import type { EngineMetrics } from '../../metrics.js';
import { spawnThread } from '../../threads/spawn-thread.js';
import { superviseThread } from '../../threads/supervise-thread.js';
import type { EngineThreadData, FromEngine, ToEngine } from './messages.js';

/**
 * The embedded worker of `sluice serve`, run in a thread of its own so that HTTP never waits for it.
 *
 * In the main thread, the engine shared the event loop with the API: on SQLite every statement is
 * synchronous, so a status read waited for whatever chunk was being validated and written (the serve
 * process was 100 % busy during a CSV ingest, status reads p99 70-110 ms with stalls up to 160 ms); on
 * PostgreSQL validation competed with request parsing for one core. In its own thread the engine has its
 * own event loop, heap and database connection, and the machine's second core.
 *
 * The main thread forwards in-process wake-ups (a request was created here; PostgreSQL also notifies the
 * thread's LISTEN connection) and owns /metrics, so the thread sends each observation over. The thread
 * failing to start, or dying, is fatal to the process, as an exception in an in-process worker was: a
 * `serve` that silently stopped processing would be worse than one that exits for its supervisor to restart.
 */
export class EngineThread {
  private readonly thread: Thread;
  private readonly started: Promise<void>;
  /** Resolves when the thread reports its store closed, or exits. */
  private readonly done: Promise<void>;
  private stopped: Promise<void> | undefined;
  private stopping = false;
  private readonly unsubscribe: () => void;

  constructor(config: Config, store: Store, metrics: EngineMetrics, private readonly logger: Logger, onFatal: (error: Error) => void) {
    const data: EngineThreadData = { config };
    this.thread = spawnThread(import.meta.url, 'entry', data);
    ({ started: this.started, done: this.done } = superviseThread<FromEngine>(this.thread, {
      name: 'engine thread',
      stopping: () => this.stopping,
      onFatal,
      onMessage: (message) => {
        switch (message.type) {
          case 'items':
            return metrics.itemsProcessed.inc({ outcome: message.outcome }, message.value);
          case 'chunk':
            return metrics.chunkDuration.observe(message.seconds);
          case 'finished':
            return metrics.requestsFinished.inc({ status: message.status });
          case 'lease-lost':
            return metrics.leasesLost.inc();
          case 'copy-fallback':
            return metrics.copyFallbacks.inc({ reason: message.reason });
          case 'webhook-delivery':
            return metrics.webhookDeliveries.inc({ outcome: message.outcome });
        }
      },
    }));
    this.unsubscribe = store.onWake(() => this.send({ type: 'wake' }));
  }

  /** Resolves once the thread has opened its store and started claiming. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Graceful: the thread's worker finishes its chunks and gives back its leases, then closes its store. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.unsubscribe();
      this.send({ type: 'stop' });
      await this.done;
      await this.thread.terminate();
      this.logger.debug('engine thread stopped');
    })();
    return this.stopped;
  }

  private send(message: ToEngine): void {
    this.thread.postMessage(message);
  }
}
