import { sql, type Transaction } from 'kysely';
import type { Capabilities } from '../../db/capabilities.js';
import type { Database } from '../../db/database.js';

/**
 * First statement of every operation chunk: is the operation still ours? As fence.ts does for bulk
 * requests: PostgreSQL locks the row so a takeover waits for this chunk (and vice versa); SQLite's
 * `BEGIN IMMEDIATE` already holds the only write lock.
 */
export async function operationIsOurs(trx: Transaction<Database>, caps: Capabilities, operationId: number, token: number): Promise<boolean> {
  const result = await sql<{ claims: number; status: string }>`
    SELECT claims, status FROM stream_operations WHERE id = ${operationId}
    ${caps.rowLocks ? sql`FOR UPDATE` : sql``}
  `.execute(trx);
  const row = result.rows[0];
  return row !== undefined && row.claims === token && row.status === 'running';
}
