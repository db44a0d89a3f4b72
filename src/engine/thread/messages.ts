import type { Config } from '../../config.js';

/** What `sluice serve` hands its engine thread at start. */
export interface EngineThreadData {
  config: Config;
}

/** Main thread -> engine thread. */
export type ToEngine = { type: 'wake' } | { type: 'stop' };

/** Engine thread -> main thread: lifecycle, and every metric observation for the main registry. */
export type FromEngine =
  | { type: 'started' }
  | { type: 'stopped' }
  | { type: 'failed'; message: string }
  | { type: 'items'; outcome: 'successful' | 'failed' | 'skipped'; value: number }
  | { type: 'chunk'; seconds: number }
  | { type: 'finished'; status: 'completed' | 'failed' | 'cancelled' }
  | { type: 'lease-lost' }
  | { type: 'copy-fallback'; reason: 'no_look_up' | 'concurrent_writer' }
  | { type: 'webhook-delivery'; outcome: 'delivered' | 'retry' | 'gave_up' };
