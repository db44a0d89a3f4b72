import { sql, type Transaction } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';

export interface FenceState {
  claims: number;
  status: string;
  cancellation_requested_at: number | null;
  /** The checkpoint: a chunk writes only when it starts exactly there (the chunk before it committed). */
  next_index: number;
}

/**
 * First statement of every chunk transaction: is the request still ours? PostgreSQL locks the row so a
 * takeover (which updates the same row) waits for this chunk to commit or roll back, and vice versa.
 * SQLite's `BEGIN IMMEDIATE` already holds the only write lock.
 */
export async function readFence(trx: Transaction<Database>, caps: Capabilities, bulkRequestId: number): Promise<FenceState | undefined> {
  const result = await sql<FenceState>`
    SELECT claims, status, cancellation_requested_at, next_index FROM bulk_requests WHERE id = ${bulkRequestId}
    ${caps.rowLocks ? sql`FOR UPDATE` : sql``}
  `.execute(trx);
  return result.rows[0];
}
