import type { BulkRequestRow } from '../bulk/bulk-request.repository.js';
import { AppError } from '../errors/app-error.js';

/**
 * Where a request is in its life, in the order it moves: receiving its file, queued, running, ended. A
 * request released back to `pending` by a worker that stops is still stage 1, its event id lower than the
 * last one sent, so it is not shown (docs/live-updates.md); the next chunk is.
 */
function stage(row: Pick<BulkRequestRow, 'status' | 'parsing'>): number {
  if (row.status === 'pending') return row.parsing === 1 ? 0 : 1;
  if (row.status === 'processing') return 2;
  return 3;
}

/**
 * The id of a request stream's event: `processed_items × 4 + stage`. processed_items never decreases and
 * every committed chunk raises it, and the stage only moves forward at a given count, so ids grow with every
 * event shown and a resume (`Last-Event-ID`) can tell later states from earlier ones with no state kept on
 * the server. A safe integer for any count Sluice can hold.
 */
export function requestEventId(row: Pick<BulkRequestRow, 'status' | 'parsing' | 'processed_items'>): number {
  return row.processed_items * 4 + stage(row);
}

export const isFinalStatus = (status: BulkRequestRow['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';

/** The Last-Event-ID a client sends back: one of our ids (a whole number), or none. */
export function parseLastEventId(header: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d{1,15}$/.test(raw.trim())) throw new AppError('invalid_last_event_id');
  return Number(raw.trim());
}
