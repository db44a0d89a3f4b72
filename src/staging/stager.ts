import type { Store } from '../db/connect.js';
import { createBulkRequest, type BulkCreate, type BulkCreated } from './create-bulk-request.js';

/** Where a bulk body is read and staged: a staging thread (staging-threads.ts) or the API thread itself. */
export interface BulkStager {
  create(input: BulkCreate): Promise<BulkCreated>;
}

/** On the calling thread: `buildApp` without threads (tests with `inject`) and `SLUICE_STAGING_THREADS=0`. */
export function inProcessStager(store: Store): BulkStager {
  return { create: (input) => createBulkRequest(store, input) };
}
