import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../db/connect.js';

/**
 * Queue depth and the age of the oldest undelivered event, read from the database when /metrics is scraped
 * (one query on the partial index of unfinished deliveries), so every process reports the whole queue,
 * whichever workers are delivering. Deliveries of disabled endpoints wait for a re-enable and are not counted.
 * A scrape while the database is away reports the last values rather than failing the whole page.
 */
export function registerWebhookGauges(registry: Registry, store: Store, now: () => number): void {
  let last = { depth: 0, oldestMs: null as number | null };
  const read = async () => {
    try {
      const row = await sql<{ depth: number | string; oldest: number | string | null }>`
        SELECT COUNT(*) AS depth, MIN(d.created_at) AS oldest FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.disabled = 0
        WHERE d.status IN ('pending', 'delivering')
      `.execute(store.db);
      const r = row.rows[0];
      last = { depth: Number(r?.depth ?? 0), oldestMs: r?.oldest === null || r?.oldest === undefined ? null : Number(r.oldest) };
    } catch {
      // keep the last values
    }
    return last;
  };
  new Gauge({
    name: 'sluice_webhook_queue_depth',
    help: 'Webhook deliveries not yet succeeded or given up (pending or being sent), of enabled endpoints',
    registers: [registry],
    async collect() {
      this.set((await read()).depth);
    },
  });
  new Gauge({
    name: 'sluice_webhook_oldest_undelivered_age_seconds',
    help: 'Age of the oldest event still waiting to be delivered to an enabled endpoint; 0 when none waits',
    registers: [registry],
    async collect() {
      const { oldestMs } = await read();
      this.set(oldestMs === null ? 0 : Math.max(0, (now() - oldestMs) / 1000));
    },
  });
}
