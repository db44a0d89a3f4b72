import type { Kysely, Selectable } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';
import type { StreamOperationTable } from '../../operations/operation.table.js';
import { claimRow, OPERATION_JOB } from './row-job.js';

export type ClaimedOperation = Selectable<StreamOperationTable>;

/** Takes the oldest claimable stream operation: pending, or running without a live lease (row-job.ts). */
export function claimOperation(db: Kysely<Database>, caps: Capabilities, owner: string, now: number, leaseMs: number): Promise<ClaimedOperation | undefined> {
  return claimRow<ClaimedOperation>(db, caps, OPERATION_JOB, owner, now, leaseMs);
}
