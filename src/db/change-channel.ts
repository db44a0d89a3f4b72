/**
 * The PostgreSQL channel on which every statement that moves a bulk request announces it (docs/live-updates.md).
 * The payload is `<schema>:<bulk request id>`: channels are per database, not per schema, and several Sluice
 * deployments (or test runs) may share one database in schemas of their own; a listener keeps its schema's.
 */
export const CHANGES_CHANNEL = 'sluice_bulk_request_changes';

/** The request id of a payload of this schema; undefined for another schema's or a malformed one. */
export function changedRequestId(payload: string | undefined, schema: string): number | undefined {
  if (payload === undefined) return undefined;
  const cut = payload.lastIndexOf(':');
  if (cut < 0 || payload.slice(0, cut) !== schema) return undefined;
  const id = Number(payload.slice(cut + 1));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
