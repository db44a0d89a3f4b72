import type { BulkRequestRow } from '../bulk/bulk-request.repository.js';
import type { Store } from '../db/connect.js';
import { AppError } from '../errors/app-error.js';

/** Called with a bulk request's row each time the hub sees it in a state it had not shown before. */
export type RowListener = (row: BulkRequestRow) => void;

interface Watch {
  environmentId: number;
  listener: RowListener;
  /** Ends the stream behind the watch when the server shuts down. */
  end: () => void;
}

/**
 * PostgreSQL: the hub re-reads what it watches this often even though notifications arrive, for what a
 * dropped listening connection or a write that sends none (a lease expiring) did not announce.
 */
const NOTIFIED_POLL_MS = 5_000;

/** Rows per IN list: well under every SQLite build's bound on parameters. */
const IN_LIST_MAX = 500;

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** The fields an event shows that can change; a row whose fingerprint is unchanged is not sent again. */
function fingerprint(row: BulkRequestRow): string {
  return [
    row.status,
    row.parsing,
    row.total_items,
    row.processed_items,
    row.successful_items,
    row.failed_items,
    row.skipped_items,
    row.cancellation_requested_at,
    row.completed_at,
  ].join('|');
}

/**
 * The one watcher of bulk requests in an API process (docs/live-updates.md): every open event stream
 * subscribes here, and however many streams watch, the hub reads each changed row once and fans it out.
 *
 * - PostgreSQL (capability `changeNotifications`): a notification names a request; the hub reads that row
 *   (one read in flight per row, a second notification meanwhile makes one more read) and polls every 5 s.
 * - SQLite: one poll every SLUICE_SSE_POLL_MS, while at least one stream is open, of the rows watched: those
 *   streams name, and for environment streams every live (pending or processing) request of the environment
 *   plus any created since the last poll.
 *
 * Subscriptions are bounded (SLUICE_SSE_MAX_SUBSCRIBERS): one more is refused with 503 too_many_subscribers.
 */
export class ChangeHub {
  private readonly byRequest = new Map<number, Set<Watch>>();
  private readonly byEnvironment = new Map<number, Set<Watch>>();
  /** What was last shown of each watched row. */
  private readonly shown = new Map<number, string>();
  /** Live requests of watched environments, polled until they end. */
  private readonly live = new Set<number>();
  /** The highest request id seen: environment streams find new requests above it. */
  private highestId = 0;
  private subscribers = 0;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  private readonly reading = new Set<number>();
  private readonly readAgain = new Set<number>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: { pollMs: number; maxSubscribers: number },
  ) {}

  /** Watches one request of one environment; rows of any other environment never reach `listener`. */
  watchRequest(environmentId: number, requestId: number, listener: RowListener, end: () => void): () => void {
    return this.add(this.byRequest, requestId, { environmentId, listener, end }, () => {
      if (!this.live.has(requestId)) this.shown.delete(requestId);
    });
  }

  /** Watches every request of an environment. */
  async watchEnvironment(environmentId: number, listener: RowListener, end: () => void): Promise<() => void> {
    if (this.highestId === 0) {
      const top = await this.store.db.selectFrom('bulk_requests').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      this.highestId = Math.max(this.highestId, Number(top?.id ?? 0));
    }
    return this.add(this.byEnvironment, environmentId, { environmentId, listener, end }, () => {
      if (!this.byEnvironment.has(environmentId)) this.live.clear();
    });
  }

  /** Server shutdown: every open stream ends, and nothing is watched any more. */
  close(): void {
    this.closed = true;
    const watches = [...this.byRequest.values(), ...this.byEnvironment.values()].flatMap((set) => [...set]);
    for (const watch of watches) watch.end();
    this.stop();
  }

  private add(map: Map<number, Set<Watch>>, key: number, watch: Watch, afterRemove: () => void): () => void {
    if (this.closed || this.subscribers >= this.options.maxSubscribers) throw new AppError('too_many_subscribers');
    this.subscribers++;
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(watch);
    if (this.subscribers === 1) this.start();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.subscribers--;
      set.delete(watch);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
      afterRemove();
      if (this.subscribers === 0) this.stop();
    };
  }

  private start(): void {
    const notified = this.store.caps.changeNotifications;
    this.timer = setInterval(() => void this.poll(), notified ? Math.max(NOTIFIED_POLL_MS, this.options.pollMs) : this.options.pollMs);
    this.timer.unref();
    if (notified) this.unsubscribe = this.store.onBulkRequestChange((id) => void (id === undefined ? this.poll() : this.read(id)));
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.shown.clear();
    this.live.clear();
  }

  /** One poll at a time; a tick that comes while one runs makes one more afterwards, not a queue. */
  private poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = (async () => {
      do {
        this.pollAgain = false;
        await this.pollOnce().catch(() => {
          // The database is away: the next tick tries again; streams stay open meanwhile.
        });
      } while (this.pollAgain && this.subscribers > 0);
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    if (this.subscribers === 0) return;
    const ids = [...new Set([...this.byRequest.keys(), ...this.live])];
    const environments = [...this.byEnvironment.keys()];
    const rows: BulkRequestRow[] = [];
    for (let at = 0; at < ids.length; at += IN_LIST_MAX) {
      rows.push(...(await this.store.db.selectFrom('bulk_requests').selectAll().where('id', 'in', ids.slice(at, at + IN_LIST_MAX)).execute()));
    }
    if (environments.length > 0) {
      const above = this.highestId;
      rows.push(
        ...(await this.store.db
          .selectFrom('bulk_requests')
          .selectAll()
          .where('environment_id', 'in', environments)
          .where((eb) => eb.or([eb('status', 'in', ['pending', 'processing']), eb('id', '>', above)]))
          .orderBy('id')
          .execute()),
      );
    }
    for (const row of rows) this.handle(row);
  }

  /** PostgreSQL: a notification named this row. */
  private async read(id: number): Promise<void> {
    if (this.subscribers === 0 || (!this.byRequest.has(id) && this.byEnvironment.size === 0)) return;
    if (this.reading.has(id)) {
      this.readAgain.add(id);
      return;
    }
    this.reading.add(id);
    try {
      const row = await this.store.db.selectFrom('bulk_requests').selectAll().where('id', '=', id).executeTakeFirst();
      if (row) this.handle(row);
    } catch {
      // The database is away: the poll catches up.
    } finally {
      this.reading.delete(id);
      if (this.readAgain.delete(id)) void this.read(id);
    }
  }

  private handle(row: BulkRequestRow): void {
    this.highestId = Math.max(this.highestId, row.id);
    const forRequest = this.byRequest.get(row.id);
    const forEnvironment = this.byEnvironment.get(row.environment_id);
    if (!forRequest && !forEnvironment) return;
    const print = fingerprint(row);
    if (this.shown.get(row.id) === print) return;
    const final = FINAL.has(row.status);
    if (forEnvironment && !final) this.live.add(row.id);
    else this.live.delete(row.id);
    if (final && !forRequest) this.shown.delete(row.id);
    else this.shown.set(row.id, print);
    for (const watch of [...(forRequest ?? []), ...(forEnvironment ?? [])]) {
      // The route checked the environment already; this keeps a row of another one out whatever happens.
      if (watch.environmentId !== row.environment_id) continue;
      try {
        watch.listener(row);
      } catch {
        // a stream that fails to write ends itself; the others go on
      }
    }
  }
}
