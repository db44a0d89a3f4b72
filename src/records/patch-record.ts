import type { Store } from '../db/connect.js';
import { AppError } from '../errors/app-error.js';
import type { Direction } from './record.table.js';
import { definitionsForStream } from '../properties/property-definition.repository.js';
import {
  findRecordForUpdate,
  findRecordIdByExternalId,
  isUniqueViolation,
  updateRecord,
  type RecordChanges,
  type RecordWithStreamKey,
} from './record.repository.js';
import {
  checkAmount,
  checkDate,
  checkDescription,
  checkDirection,
  checkExternalId,
  checkMetadataAgainstDefinitions,
  isPlainObject,
  serializeMetadata,
  type ItemError,
} from './validate-record.js';

// PATCH /records/{id} (SPEC 12). The fields are checked by the same rules as on create; metadata is merged
// one level deep (a nested object given for a key replaces that key's value whole).

const IMMUTABLE = ['currency', 'data_stream_key'] as const;

function fail(error: ItemError): never {
  throw new AppError(error.code, error.message, error.field !== undefined ? { field: error.field } : undefined);
}

/** Checks the body's own fields; what depends on the stored record (metadata, external_id) comes later. */
function changesFrom(body: Record<string, unknown>): { changes: RecordChanges; metadataPatch?: Record<string, unknown> } {
  for (const field of IMMUTABLE) {
    if (body[field] !== undefined) fail({ code: 'immutable_field', field, message: `${field} cannot be changed after the record is created` });
  }
  const changes: RecordChanges = {};
  const { amount, direction, date, description, external_id: externalId, metadata } = body;
  if (amount !== undefined) {
    const e = checkAmount(amount);
    if (e) fail(e);
    changes.amount = amount === 0 ? 0 : (amount as number);
  }
  if (direction !== undefined) {
    const e = checkDirection(direction);
    if (e) fail(e);
    changes.direction = direction as Direction;
  }
  if (date !== undefined) {
    const e = checkDate(date);
    if (e) fail(e);
    changes.date = date as string;
  }
  if (description !== undefined) {
    const e = checkDescription(description);
    if (e) fail(e);
    changes.description = description as string | null;
  }
  if (externalId !== undefined) {
    const e = checkExternalId(externalId);
    if (e) fail(e);
    changes.external_id = externalId as string | null;
  }
  if (metadata === undefined) return { changes };
  if (!isPlainObject(metadata)) {
    fail({ code: 'invalid_metadata', field: 'metadata', message: 'metadata must be a JSON object; set a key to null to remove it' });
  }
  return { changes, metadataPatch: metadata };
}

export function mergeMetadata(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  // A prototype-less target: a key named "__proto__" is then data like any other, not a prototype swap.
  const merged: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, current);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Applies a PATCH body and returns the updated record; throws the AppError to answer otherwise. */
export async function patchRecord(store: Store, environmentId: number, id: number, body: unknown, now: number): Promise<RecordWithStreamKey> {
  let streamId: number | undefined;
  let newExternalId: string | null | undefined;
  try {
    return await store.db.transaction().execute(async (trx) => {
      // Locked (PostgreSQL) or under the write lock (SQLite): two concurrent metadata merges both land.
      const row = await findRecordForUpdate(trx, environmentId, id, store.caps.rowLocks);
      // Existence first: an id of another environment answers 404 whatever the body holds.
      if (!row) throw new AppError('record_not_found');
      streamId = row.data_stream_id;
      if (!isPlainObject(body)) fail({ code: 'invalid_record', message: 'the body must be a JSON object' });
      const { changes, metadataPatch } = changesFrom(body);
      newExternalId = changes.external_id;

      if (metadataPatch) {
        const merged = mergeMetadata(JSON.parse(row.metadata) as Record<string, unknown>, metadataPatch);
        const json = serializeMetadata(merged);
        if (typeof json !== 'string') fail(json);
        // Definitions are enforced on the metadata being written; a PATCH that leaves metadata alone does
        // not fail because a definition was added after the record was created.
        const problem = checkMetadataAgainstDefinitions(merged, await definitionsForStream(trx, row.data_stream_id));
        if (problem) fail(problem);
        changes.metadata = json;
      }

      if (typeof changes.external_id === 'string' && changes.external_id !== row.external_id) {
        const holder = await findRecordIdByExternalId(trx, row.data_stream_id, changes.external_id);
        if (holder !== undefined && holder !== row.id) throw new AppError('duplicate_external_id', undefined, { record_id: holder });
      }

      await updateRecord(trx, row.id, changes, now);
      return { ...row, ...changes, updated_at: now };
    });
  } catch (error) {
    // Another writer took the external_id between our check and our update.
    if (isUniqueViolation(error) && streamId !== undefined && typeof newExternalId === 'string') {
      const holder = await findRecordIdByExternalId(store.db, streamId, newExternalId);
      if (holder !== undefined) throw new AppError('duplicate_external_id', undefined, { record_id: holder });
    }
    throw error;
  }
}
