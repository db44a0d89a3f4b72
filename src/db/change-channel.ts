/**
 * The PostgreSQL channel on which every statement that moves a bulk request announces it (docs/live-updates.md).
 * The payload is `<schema>:<environment id>:<bulk request id>`: channels are per database, not per schema, and
 * several Sluice deployments (or test runs) may share one database in schemas of their own, so a listener keeps
 * its own schema's; the environment lets it pass over requests no open stream can show without reading them.
 */
export const CHANGES_CHANNEL = 'sluice_bulk_request_changes';

export interface ChangedRequest {
  environmentId: number;
  id: number;
}

/** The request a payload of this schema names; undefined for another schema's or a malformed one. */
export function changedRequest(payload: string | undefined, schema: string): ChangedRequest | undefined {
  const match = payload === undefined ? null : /^(.*):(\d{1,15}):(\d{1,15})$/s.exec(payload);
  if (!match || match[1] !== schema) return undefined;
  return { environmentId: Number(match[2]), id: Number(match[3]) };
}
