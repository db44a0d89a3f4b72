import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';

// A JSON bulk request whose items name several streams has data_stream_id null (SPEC 15), which left it out
// of those streams' health and of their stream_busy check. Its target streams are written once, when it is
// created, into bulk_request_streams (migration 0005); single-stream requests and uploads write nothing
// there, so the load path is unchanged. docs/engine.md, "Requests that target several streams".

/**
 * In the transaction that creates the request: the streams of this environment that its items name.
 * Keys that name no stream are left out (those items fail as unknown_data_stream).
 */
export async function recordTargetStreams(trx: Transaction<Database>, environmentId: number, bulkRequestId: number, streamKeys: string[]): Promise<void> {
  if (streamKeys.length === 0) return;
  await sql`
    INSERT INTO bulk_request_streams (data_stream_id, bulk_request_id)
    SELECT id, ${bulkRequestId} FROM data_streams
    WHERE environment_id = ${environmentId} AND key IN (${sql.join(streamKeys)})
  `.execute(trx);
}

/** A retry re-runs a subset of its parent's items: it targets at most the parent's streams. */
export async function copyTargetStreams(trx: Transaction<Database>, parentId: number, childId: number): Promise<void> {
  await sql`
    INSERT INTO bulk_request_streams (data_stream_id, bulk_request_id)
    SELECT data_stream_id, ${childId} FROM bulk_request_streams WHERE bulk_request_id = ${parentId}
  `.execute(trx);
}
