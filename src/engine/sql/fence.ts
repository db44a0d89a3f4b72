import { sql, type Transaction } from 'kysely';
import type { Store } from '../../db/connect.js';
import type { Database } from '../../db/database.js';
import { sqliteHandle, statement } from './sqlite-statements.js';

export interface FenceState {
  claims: number;
  status: string;
  cancellation_requested_at: number | null;
  /** The checkpoint: a chunk writes only when it starts exactly there (the chunk before it committed). */
  next_index: number;
}

/**
 * First statement of a chunk transaction (not of a chunk written ahead: its checkpoint statement is its
 * fence, advance-checkpoint.ts): is the request still ours? PostgreSQL locks the row so a takeover (which
 * updates the same row) waits for this chunk to commit or roll back, and vice versa. SQLite's `BEGIN
 * IMMEDIATE` already holds the only write lock; the read is a cached prepared statement.
 */
export async function readFence(trx: Transaction<Database>, store: Store, bulkRequestId: number): Promise<FenceState | undefined> {
  const handle = sqliteHandle(store, trx);
  if (handle) {
    return statement(handle, 'SELECT claims, status, cancellation_requested_at, next_index FROM bulk_requests WHERE id = ?').get(bulkRequestId) as FenceState | undefined;
  }
  const result = await sql<FenceState>`
    SELECT claims, status, cancellation_requested_at, next_index FROM bulk_requests WHERE id = ${bulkRequestId} FOR UPDATE
  `.execute(trx);
  return result.rows[0];
}
