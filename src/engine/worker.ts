import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineConfig } from '../config.js';
import type { Store } from '../db/connect.js';
import type { EngineMetrics } from '../metrics.js';
import { OPERATION_BATCH_SIZE, runOperation, type OperationContext, type OperationOutcome } from '../operations/run-operation.js';
import { runRequest, type EngineContext, type EngineLogger, type RunOutcome } from './run-request.js';
import { claimOperation, type ClaimedOperation } from './sql/claim-operation.js';
import { failAbandonedUploads } from './sql/fail-abandoned-uploads.js';
import { notifyRequestChanged, notifyRequestsChanged } from './sql/notify-change.js';
import { claimRequest, type ClaimedRequest } from './sql/claim-request.js';
import { reportStuckRequests } from './sql/report-stuck.js';
import { endStalledCopies } from './sql/end-stalled-copies.js';
import { yieldToEventLoop } from '../db/yield.js';

const silent: EngineLogger = { info() {}, warn() {}, error() {} };

export interface WorkerOptions {
  metrics?: EngineMetrics;
  logger?: EngineLogger;
  workerId?: string;
  now?: () => number;
  afterChunk?: EngineContext['afterChunk'];
  /** Records deleted per chunk of a stream delete/reset (default OPERATION_BATCH_SIZE). */
  operationBatchSize?: number;
  afterOperationChunk?: OperationContext['afterChunk'];
}

/** What a claim hands the worker: a bulk request or a stream operation (delete/reset); both are row-jobs. */
type Job = { kind: 'request'; request: ClaimedRequest } | { kind: 'operation'; operation: ClaimedOperation };

/**
 * Claims bulk requests and stream operations and runs them, up to `concurrency` at a time in total. Woken at
 * once by a wake-up signal (NOTIFY on PostgreSQL, in-process on SQLite), and polls every `pollMs` as a
 * fallback: for work created by other processes on SQLite, for leases that expire, for a missed notification.
 */
export class Worker {
  readonly id: string;
  private readonly context: EngineContext;
  private readonly operationContext: OperationContext;
  private readonly active = new Set<Promise<RunOutcome | OperationOutcome>>();
  private stopping = false;
  private kicking = false;
  private kickAgain = false;
  /** Alternates which kind is asked for first, so a queue of bulk requests cannot starve a delete or reset. */
  private operationsFirst = false;
  private lastSweep = 0;
  /** True from a failed claim until one succeeds, so an outage is logged once. */
  private claimFailing = false;
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
      afterChunk: async (id, processed) => {
        await yieldToEventLoop();
        await options.afterChunk?.(id, processed);
      },
    };
    const { afterChunk: _bulkObserver, ...shared } = this.context;
    this.operationContext = {
      ...shared,
      batchSize: options.operationBatchSize ?? OPERATION_BATCH_SIZE,
      afterChunk: async (id, deleted) => {
        await yieldToEventLoop();
        await options.afterOperationChunk?.(id, deleted);
      },
    };
  }

  start(): void {
    this.unsubscribe = this.store.onWake(() => void this.kick());
    this.timer = setInterval(() => {
      void this.sweep();
      void this.kick();
    }, this.config.pollMs);
    void this.kick();
  }

  /**
   * Uploads whose receiving process died stay `parsing` without a heartbeat; after a lease without one they
   * are ended `failed` (src/engine/sql/fail-abandoned-uploads.ts). Requests that stopped making progress get
   * their one `bulk_request.stuck` event (src/engine/sql/report-stuck.ts). On PostgreSQL, a COPY left open by
   * a frozen worker is ended (src/engine/sql/end-stalled-copies.ts). At most once per heartbeat interval.
   */
  private async sweep(force = false): Promise<void> {
    const now = this.context.now();
    if (!force && now - this.lastSweep < this.config.heartbeatMs) return;
    this.lastSweep = now;
    try {
      const ids = await failAbandonedUploads(this.store.db, now, this.config.leaseMs);
      await notifyRequestsChanged(this.store.db, this.store.caps, ids);
      if (ids.length > 0) this.context.logger.warn({ bulkRequestIds: ids }, 'abandoned uploads ended failed');
    } catch (error) {
      this.context.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'sweeping abandoned uploads failed');
    }
    if (this.store.raw.kind === 'postgres') {
      // Twice the idle-in-transaction timeout: the bound a frozen worker meets in every other state.
      const stalledMs = 2 * this.store.raw.idleTimeoutMs;
      try {
        const ended = await endStalledCopies(this.store.db, stalledMs);
        if (ended.length > 0) this.context.logger.warn({ pids: ended, stalledMs }, 'ended database sessions whose COPY waited for a frozen worker');
      } catch (error) {
        this.context.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'looking for stalled COPYs failed');
      }
    }
    try {
      const stuck = await reportStuckRequests(this.store.db, now, this.config.stuckAfterMs);
      if (stuck.length > 0) this.context.logger.warn({ bulkRequestIds: stuck }, 'bulk requests stuck: no progress for SLUICE_STUCK_AFTER_MS');
    } catch (error) {
      this.context.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'looking for stuck bulk requests failed');
    }
  }

  /** Graceful: no new claims; running jobs finish their chunk in hand and are given back. */
  /** A wake-up from outside the store's own signal (the main thread of `sluice serve`, for its engine thread). */
  wake(): void {
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.allSettled([...this.active]);
  }

  /** Runs jobs one after another until neither a request nor an operation is claimable. For tests and one-shot use. */
  async drain(): Promise<void> {
    await this.sweep(true);
    for (;;) {
      const claimed = await this.claimNext();
      if (!claimed) break;
      await this.run(claimed);
    }
    await Promise.allSettled([...this.active]);
  }

  private async claimNext(): Promise<Job | undefined> {
    const { db, caps } = this.store;
    const request = async (): Promise<Job | undefined> => {
      const claimed = await claimRequest(db, caps, this.id, this.context.now(), this.config.leaseMs);
      // Pending (or stuck) to processing: after the claim's own commit, a statement of its own.
      if (claimed) await notifyRequestChanged(db, caps, claimed.id).catch(() => {});
      return claimed && { kind: 'request', request: claimed };
    };
    const operation = async (): Promise<Job | undefined> => {
      const claimed = await claimOperation(db, caps, this.id, this.context.now(), this.config.leaseMs);
      return claimed && { kind: 'operation', operation: claimed };
    };
    this.operationsFirst = !this.operationsFirst;
    return this.operationsFirst ? ((await operation()) ?? (await request())) : ((await request()) ?? (await operation()));
  }

  private async run(job: Job): Promise<RunOutcome | OperationOutcome> {
    try {
      // Between jobs too: a queue of one-chunk requests would otherwise run back to back without a turn.
      await yieldToEventLoop();
      return await (job.kind === 'request' ? runRequest(this.context, job.request) : runOperation(this.operationContext, job.operation));
    } catch (error) {
      // The runners handle their own failures; what still gets here (a give-up write that met an outage) must
      // not become an unhandled rejection, which ends the process. The lease lapses and the job is claimed again.
      this.context.logger.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'job failed');
      return 'errored';
    }
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
          const run: Promise<RunOutcome | OperationOutcome> = this.run(claimed).finally(() => {
            this.active.delete(run);
            if (!this.stopping) void this.kick();
          });
          this.active.add(run);
        }
      } while (this.kickAgain && !this.stopping);
      if (this.claimFailing) {
        this.claimFailing = false;
        this.context.logger.info({}, 'database reachable again: claiming');
      }
    } catch (error) {
      // The database may be away for a while (a restart, a failover); every poll tries again. Said once per
      // outage, not once per poll.
      if (!this.claimFailing) {
        this.claimFailing = true;
        this.context.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'claim failed: retrying every poll until the database answers');
      }
    } finally {
      this.kicking = false;
    }
  }
}
