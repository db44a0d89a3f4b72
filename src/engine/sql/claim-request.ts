import type { Kysely, Selectable } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';
import type { BulkRequestTable } from '../../bulk/bulk-request.table.js';
import { claimRow, REQUEST_JOB } from './row-job.js';

export type ClaimedRequest = Selectable<BulkRequestTable>;

/** Takes the oldest claimable bulk request: pending and fully staged, or processing under an expired lease (row-job.ts). */
export function claimRequest(db: Kysely<Database>, caps: Capabilities, owner: string, now: number, leaseMs: number): Promise<ClaimedRequest | undefined> {
  return claimRow<ClaimedRequest>(db, caps, REQUEST_JOB, owner, now, leaseMs);
}
