import type { Config } from '../config.js';
import type { BulkCreate, BulkCreated } from './create-bulk-request.js';
import type { ThreadError } from './thread-errors.js';

/** What `sluice serve` hands each staging thread at start. */
export interface StagingThreadData {
  config: Config;
}

/** API thread -> staging thread. */
export type ToStaging = { type: 'create'; id: number; input: BulkCreate } | { type: 'stop' };

/** Staging thread -> API thread. */
export type FromStaging =
  | { type: 'started' }
  | { type: 'stopped' }
  | { type: 'failed'; message: string }
  | { type: 'created'; id: number; result: BulkCreated }
  | { type: 'error'; id: number; error: ThreadError };
