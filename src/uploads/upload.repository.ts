import type { Store } from '../db/connect.js';
import type { BulkRequestRow } from '../bulk/bulk-request.repository.js';
import type { UploadFailureKind } from '../bulk/upload-failure-kinds.js';
import type { FileError } from './format.js';
import { notifyRequestChanged } from '../engine/sql/notify-change.js';


/** Why an upload ended before its items could be processed; kept in `error_details.kind`. */
export interface UploadFailure {
  kind: UploadFailureKind;
  message: string;
  errors: FileError[];
  errorCount: number;
}

/** Only the first errors are kept: enough to fix a file, bounded however broken it is. */
export const MAX_REPORTED_ERRORS = 100;


export async function heartbeatUpload(store: Store, id: number, now: number): Promise<void> {
  await store.db.updateTable('bulk_requests').set({ last_progress_at: now }).where('id', '=', id).where('parsing', '=', 1).execute();
}

/** Ends an upload that cannot be processed and removes what it staged, in one transaction. */
export async function failUpload(store: Store, id: number, now: number, failure: UploadFailure): Promise<BulkRequestRow> {
  const details = {
    kind: failure.kind,
    ...(failure.kind === 'upload_cancelled' ? {} : { errors: failure.errors.slice(0, MAX_REPORTED_ERRORS), error_count: failure.errorCount }),
  };
  return store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('bulk_request_segments').where('bulk_request_id', '=', id).execute();
    await notifyRequestChanged(trx, store.caps, id);
    return trx
      .updateTable('bulk_requests')
      .set((eb) => ({
        // A cancel that arrived while receiving keeps its `cancelled`; anything else is `failed`.
        status: eb.case().when('status', '=', 'cancelled').then('cancelled' as const).else('failed' as const).end(),
        parsing: 0,
        total_items: 0,
        completed_at: now,
        error_message: failure.message,
        error_details: JSON.stringify(details),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The last item is staged: the request becomes claimable (or completes at once when empty). */
export async function finishUpload(
  store: Store,
  id: number,
  now: number,
  result: { options: Record<string, unknown>; sourceDetails: Record<string, unknown> | null; requestHash: string; bytes: number },
): Promise<BulkRequestRow> {
  return store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('bulk_requests').select(['status', 'total_items']).where('id', '=', id).executeTakeFirstOrThrow();
    const empty = row.total_items === 0;
    await notifyRequestChanged(trx, store.caps, id);
    return trx
      .updateTable('bulk_requests')
      .set({
        options: JSON.stringify(result.options),
        source_details: JSON.stringify({ bytes: result.bytes, ...(result.sourceDetails ?? {}) }),
        request_hash: result.requestHash,
        parsing: 0,
        last_progress_at: now,
        ...(row.status === 'pending' && empty ? { status: 'completed' as const, completed_at: now } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
