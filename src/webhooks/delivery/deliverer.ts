import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebhookConfig } from '../../config.js';
import type { Store } from '../../db/connect.js';
import { yieldToEventLoop } from '../../db/yield.js';
import { eventIdOf } from '../event-types.js';
import { signedHeaders, signingSecrets } from '../signing.js';
import { claimDelivery, type DeliveryRow } from '../sql/claim-delivery.js';
import { recordAttempt, type Recorded } from '../sql/record-attempt.js';
import { envelopeOf } from '../envelope.js';
import { retryDelay } from './schedule.js';
import { sendAttempt } from './send.js';

export interface DelivererLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What delivery records: a structural subset of `Metrics`, so the engine thread can forward it. */
export interface WebhookMetrics {
  webhookDeliveries: { inc(labels: { outcome: 'delivered' | 'retry' | 'gave_up' }): void };
}

const silent: DelivererLogger = { info() {}, warn() {}, error() {} };

/**
 * Sends due webhook deliveries, up to `concurrency` at a time, in every process that runs a worker (the
 * engine thread of `sluice serve`, `sluice worker`). A claim is a lease of twice the attempt timeout plus a
 * second: an attempt cannot outlive it, and a worker killed mid-attempt leaves a delivery that another
 * worker sends again, with the same webhook-id, once the lease has expired. Polls every `pollMs`.
 */
export class Deliverer {
  readonly id: string;
  private readonly active = new Set<Promise<void>>();
  private readonly logger: DelivererLogger;
  private readonly now: () => number;
  private stopping = false;
  private kicking = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly config: WebhookConfig,
    private readonly options: { metrics?: WebhookMetrics; logger?: DelivererLogger; workerId?: string; now?: () => number } = {},
  ) {
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.logger = options.logger ?? silent;
    this.now = options.now ?? Date.now;
  }

  get leaseMs(): number {
    return this.config.timeoutMs * 2 + 1000;
  }

  start(): void {
    this.timer = setInterval(() => void this.kick(), this.config.pollMs);
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    // An attempt in flight is bounded by the timeout; its outcome is recorded before the store closes.
    await Promise.allSettled([...this.active]);
  }

  /** Sends what is due now, one after another, until nothing is. For tests and one-shot use. */
  async drain(): Promise<void> {
    for (;;) {
      const delivery = await claimDelivery(this.store.db, this.store.caps, this.id, this.now(), this.leaseMs);
      if (!delivery) return;
      await this.deliver(delivery);
    }
  }

  private async kick(): Promise<void> {
    if (this.kicking || this.stopping) return;
    this.kicking = true;
    try {
      while (!this.stopping && this.active.size < this.config.concurrency) {
        const delivery = await claimDelivery(this.store.db, this.store.caps, this.id, this.now(), this.leaseMs);
        if (!delivery) break;
        const run: Promise<void> = this.deliver(delivery).then(() => {}).finally(() => {
          this.active.delete(run);
          if (!this.stopping) void this.kick();
        });
        this.active.add(run);
      }
      if (this.failing) {
        this.failing = false;
        this.logger.info({}, 'database reachable again: delivering webhooks');
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'claiming webhook deliveries failed: retrying every poll');
      }
    } finally {
      this.kicking = false;
    }
  }

  /** One attempt of a claimed delivery, and its outcome recorded. Never throws: the lease lapses instead. */
  async deliver(delivery: DeliveryRow): Promise<Recorded | 'errored'> {
    try {
      await yieldToEventLoop();
      const { db } = this.store;
      const [event, endpoint] = await Promise.all([
        db.selectFrom('webhook_events').selectAll().where('id', '=', delivery.event_id).executeTakeFirstOrThrow(),
        db.selectFrom('webhook_endpoints').selectAll().where('id', '=', delivery.endpoint_id).executeTakeFirst(),
      ]);
      if (!endpoint) return 'stale';
      const body = envelopeOf(event);
      const at = this.now();
      const headers = signedHeaders(eventIdOf(event.id), new Date(at), body, signingSecrets(endpoint, at));
      const result = await sendAttempt(endpoint.url, body, headers, this.config);
      const recorded = await recordAttempt(db, {
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        eventId: event.id,
        token: delivery.claims,
        url: endpoint.url,
        ...result,
        now: this.now(),
        retryAt: (attempts) => {
          const delay = retryDelay(this.config.retryScheduleMs, attempts);
          return delay === null ? null : this.now() + delay;
        },
        disableAfterMs: this.config.disableAfterMs,
      });
      if (recorded !== 'stale') this.options.metrics?.webhookDeliveries.inc({ outcome: recorded });
      const log = { deliveryId: delivery.id, endpointId: endpoint.id, eventId: event.id, statusCode: result.statusCode, durationMs: result.durationMs };
      if (recorded === 'gave_up') this.logger.warn({ ...log, error: result.error }, 'webhook delivery failed: retry schedule exhausted');
      else if (recorded === 'retry') this.logger.info({ ...log, error: result.error }, 'webhook attempt failed: will retry');
      return recorded;
    } catch (error) {
      this.logger.error({ deliveryId: delivery.id, err: { type: (error as Error).name, message: (error as Error).message } }, 'webhook delivery errored; its lease will lapse and it is sent again');
      return 'errored';
    }
  }
}
