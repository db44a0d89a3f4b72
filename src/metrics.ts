import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance (tests build many apps in one process), served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'sluice_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    itemsProcessed: new Counter({
      name: 'sluice_items_processed_total',
      help: 'Bulk request items processed, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    chunkDuration: new Histogram({
      name: 'sluice_chunk_duration_seconds',
      help: 'Time to validate and commit one chunk of items',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    requestsFinished: new Counter({
      name: 'sluice_bulk_requests_finished_total',
      help: 'Bulk requests that reached a final status, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    leasesLost: new Counter({
      name: 'sluice_leases_lost_total',
      help: 'Chunks discarded because another worker took the request over',
      registers: [registry],
    }),
    copyFallbacks: new Counter({
      name: 'sluice_copy_fallbacks_total',
      help:
        'PostgreSQL chunks whose COPY met a taken external id and were redone with INSERT: no_look_up (the chunk was not looked up first: the first of a run of chunks that meet taken ids), concurrent_writer (taken after the look-up)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'sluice_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered (2xx), retry (failed, retry scheduled), gave_up (failed, schedule exhausted)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * What the engine records. A structural subset of `Metrics`, so that a worker running in a thread of
 * `sluice serve` can hand its observations to the registry of the main thread (src/engine/thread/).
 */
export interface EngineMetrics {
  itemsProcessed: { inc(labels: { outcome: 'successful' | 'failed' | 'skipped' }, value: number): void };
  chunkDuration: { observe(seconds: number): void };
  requestsFinished: { inc(labels: { status: 'completed' | 'failed' | 'cancelled' }): void };
  leasesLost: { inc(): void };
  copyFallbacks: { inc(labels: { reason: 'no_look_up' | 'concurrent_writer' }): void };
  webhookDeliveries: { inc(labels: { outcome: 'delivered' | 'retry' | 'gave_up' }): void };
}
