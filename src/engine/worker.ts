import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineConfig } from '../config.js';
import type { Store } from '../db/connect.js';
import type { Metrics } from '../metrics.js';
import { runRequest, type EngineContext, type EngineLogger, type RunOutcome } from './run-request.js';
import { claimRequest, type ClaimedRequest } from './sql/claim-request.js';

const silent: EngineLogger = { info() {}, warn() {}, error() {} };

export interface WorkerOptions {
  metrics?: Metrics;
  logger?: EngineLogger;
  workerId?: string;
  now?: () => number;
  afterChunk?: EngineContext['afterChunk'];
}

/**
 * Claims bulk requests and runs them, up to `concurrency` at a time. Woken at once by a wake-up signal
 * (NOTIFY on PostgreSQL, in-process on SQLite), and polls every `pollMs` as a fallback: for work created by
 * other processes on SQLite, for leases that expire, for a missed notification.
 */
export class Worker {
  readonly id: string;
  private readonly context: EngineContext;
  private readonly active = new Set<Promise<RunOutcome>>();
  private stopping = false;
  private kicking = false;
  private kickAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly config: EngineConfig,
    options: WorkerOptions = {},
  ) {
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.context = {
      store,
      config,
      metrics: options.metrics,
      logger: options.logger ?? silent,
      now: options.now ?? Date.now,
      stopping: () => this.stopping,
      ...(options.afterChunk ? { afterChunk: options.afterChunk } : {}),
    };
  }

  start(): void {
    this.unsubscribe = this.store.onWake(() => void this.kick());
    this.timer = setInterval(() => void this.kick(), this.config.pollMs);
    void this.kick();
  }

  /** Graceful: no new claims; running requests finish their chunk in hand and are given back. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.allSettled([...this.active]);
  }

  /** Runs requests one after another until none is claimable. For tests and one-shot use. */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.claimNext();
      if (!claimed) break;
      await runRequest(this.context, claimed);
    }
    await Promise.allSettled([...this.active]);
  }

  private async claimNext(): Promise<ClaimedRequest | undefined> {
    return claimRequest(this.store.db, this.store.caps, this.id, this.context.now(), this.config.leaseMs);
  }

  private async kick(): Promise<void> {
    if (this.kicking) {
      this.kickAgain = true;
      return;
    }
    this.kicking = true;
    try {
      do {
        this.kickAgain = false;
        while (!this.stopping && this.active.size < this.config.concurrency) {
          const claimed = await this.claimNext();
          if (!claimed) break;
          const run: Promise<RunOutcome> = runRequest(this.context, claimed).finally(() => {
            this.active.delete(run);
            if (!this.stopping) void this.kick();
          });
          this.active.add(run);
        }
      } while (this.kickAgain && !this.stopping);
    } catch (error) {
      // The database may be briefly unreachable; the next poll tries again.
      this.context.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'claim failed');
    } finally {
      this.kicking = false;
    }
  }
}
