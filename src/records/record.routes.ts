import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { parseId, parseTimestampFilter } from '../http/pagination.js';
import { commonErrors, ErrorResponse, IdParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { definitionsForStream } from '../properties/property-definition.repository.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { countCreatedRecords } from '../engine/sql/count-records.js';
import { assertStreamWritable } from '../streams/stream-guard.js';
import { patchRecord } from './patch-record.js';
import { decodeRecordCursor, encodeRecordCursor } from './record-cursor.js';
import { listRecordPage } from './record-list.js';
import {
  deleteRecord,
  findRecord,
  findRecordIdByExternalId,
  insertRecord,
  isForeignKeyViolation,
  type RecordRow,
} from './record.repository.js';
import { CreateRecordBody, ListRecordsQuery, RecordPage, RecordSchema, serializeRecord, UpdateRecordBody } from './record.schemas.js';
import { checkMetadataAgainstDefinitions, isPossibleStreamKey, validateRecordFields, type ItemError } from './validate-record.js';

const tags = ['Records'];

/** POST and PATCH bodies go to validate-record.ts untouched (see record.schemas.ts for why). */
const passThrough = () => () => true;

export function itemError(error: ItemError): AppError {
  return new AppError(error.code, error.message, error.field !== undefined ? { field: error.field } : undefined);
}

export function duplicateExternalId(recordId: number): AppError {
  return new AppError('duplicate_external_id', undefined, { record_id: recordId });
}

export async function recordRoutes(app: App, deps: RouteDeps) {
  const { store, now } = deps;

  app.post(
    '/records',
    {
      schema: {
        tags,
        summary: 'Create a record',
        description:
          'Validated exactly like one item of POST /records/bulk; a problem answers 422 with that item error code. ' +
          'An external_id already used in the stream answers 409 duplicate_external_id with details.record_id.',
        body: CreateRecordBody,
        response: { 201: RecordSchema, 409: ErrorResponse, ...commonErrors },
      },
      validatorCompiler: passThrough,
      config: { checksOwnText: true },
    },
    async (request, reply) => {
      const result = validateRecordFields(request.body);
      if (!result.ok) throw itemError(result.error);
      const { draft } = result;
      const environmentId = request.environment.id;
      const stream = await findStreamByKey(store.db, environmentId, draft.data_stream_key);
      if (!stream) throw new AppError('unknown_data_stream', undefined, { field: 'data_stream_key' });
      const problem = checkMetadataAgainstDefinitions(draft.metadata, await definitionsForStream(store.db, stream.id));
      if (problem) throw itemError(problem);

      const values = {
        environment_id: environmentId,
        data_stream_id: stream.id,
        external_id: draft.external_id,
        date: draft.date,
        amount: draft.amount,
        direction: draft.direction,
        currency: draft.currency,
        description: draft.description,
        metadata: draft.metadataJson,
        source: 'api' as const,
        bulk_request_id: null,
        item_index: null,
        import_batch_id: null,
      };
      // A conflicting record can be deleted between our insert and our look-up; then the insert is retried.
      for (let attempt = 0; attempt < 3; attempt++) {
        let row: RecordRow | undefined;
        try {
          // In one transaction with the check, under the stream lock: nothing lands in a stream being reset or deleted.
          row = await store.db.transaction().execute(async (trx) => {
            await assertStreamWritable(trx, store.caps, stream);
            const inserted = await insertRecord(trx, values, now());
            if (inserted) await countCreatedRecords(trx, [inserted]);
            return inserted;
          });
        } catch (error) {
          // The stream was deleted after we found it.
          if (isForeignKeyViolation(error)) throw new AppError('unknown_data_stream', undefined, { field: 'data_stream_key' });
          throw error;
        }
        if (row) return reply.status(201).send(serializeRecord(row, stream.key));
        const existing = await findRecordIdByExternalId(store.db, stream.id, draft.external_id!);
        if (existing !== undefined) throw duplicateExternalId(existing);
      }
      throw new AppError('internal_error');
    },
  );

  app.get(
    '/records',
    {
      schema: {
        tags,
        summary: 'List records',
        description:
          'Newest first, cursor-paginated. Needs at least one of data_stream_key, external_id, import_batch_id, ' +
          'bulk_request_id, reconciliation_id, reconciliation_match_id (else 422 missing_scope_filter).',
        querystring: ListRecordsQuery,
        response: { 200: RecordPage, ...commonErrors },
      },
    },
    async (request) => {
      const q = request.query;
      if (
        q.data_stream_key === undefined &&
        q.external_id === undefined &&
        q.import_batch_id === undefined &&
        q.bulk_request_id === undefined &&
        q.reconciliation_id === undefined &&
        q.reconciliation_match_id === undefined
      ) {
        throw new AppError('missing_scope_filter');
      }
      // Every parameter is checked before any shortcut below, so a bad one is a 422 whatever else is asked.
      const after = decodeRecordCursor(q.cursor);
      const createdAfter = parseTimestampFilter('created_after', q.created_after);
      const createdBefore = parseTimestampFilter('created_before', q.created_before);
      const limit = q.limit ?? 50;
      const empty = { data: [], next_cursor: null, limit };

      // Sluice does not reconcile: no record is in a reconciliation or a match, every record is unmatched.
      if (q.reconciliation_id !== undefined || q.reconciliation_match_id !== undefined || q.status === 'matched') return empty;
      // Values no record can hold (a malformed stream key, a NUL PostgreSQL cannot even compare) match nothing.
      if (q.data_stream_key !== undefined && !isPossibleStreamKey(q.data_stream_key)) return empty;
      if (q.external_id !== undefined && q.external_id.includes('\u0000')) return empty;

      const environmentId = request.environment.id;
      let dataStreamId: number | undefined;
      if (q.data_stream_key !== undefined) {
        // A filter that matches nothing is an empty list, as for every other filter; 404 is for paths.
        const stream = await findStreamByKey(store.db, environmentId, q.data_stream_key);
        if (!stream) return empty;
        dataStreamId = stream.id;
      }
      const rows = await listRecordPage(
        store.db,
        environmentId,
        {
          ...(dataStreamId !== undefined ? { dataStreamId } : {}),
          ...(q.external_id !== undefined ? { externalId: q.external_id } : {}),
          ...(q.import_batch_id !== undefined ? { importBatchId: q.import_batch_id } : {}),
          ...(q.bulk_request_id !== undefined ? { bulkRequestId: q.bulk_request_id } : {}),
          ...(createdAfter !== undefined ? { createdAfter } : {}),
          ...(createdBefore !== undefined ? { createdBefore } : {}),
          ...(q.source !== undefined ? { source: q.source } : {}),
        },
        after,
        limit,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const byItem = q.bulk_request_id !== undefined || q.import_batch_id !== undefined;
      const nextCursor = rows.length > limit && last ? encodeRecordCursor(last, byItem) : null;
      return { data: page.map((row) => serializeRecord(row, row.data_stream_key)), next_cursor: nextCursor, limit };
    },
  );

  app.get(
    '/records/:id',
    { schema: { tags, summary: 'Retrieve a record', params: IdParams, response: { 200: RecordSchema, ...commonErrors } } },
    async (request) => {
      const row = await findRecord(store.db, request.environment.id, parseId(request.params.id, 'record_not_found'));
      if (!row) throw new AppError('record_not_found');
      return serializeRecord(row, row.data_stream_key);
    },
  );

  app.patch(
    '/records/:id',
    {
      schema: {
        tags,
        summary: 'Update a record',
        description:
          'Changes amount, direction, description, date, external_id and metadata. metadata is merged key by key; ' +
          'a key set to null is removed. currency and data_stream_key are immutable (422 immutable_field).',
        params: IdParams,
        body: UpdateRecordBody,
        response: { 200: RecordSchema, 409: ErrorResponse, ...commonErrors },
      },
      validatorCompiler: passThrough,
      config: { checksOwnText: true },
    },
    async (request) => {
      const id = parseId(request.params.id, 'record_not_found');
      const row = await patchRecord(store, request.environment.id, id, request.body, now());
      return serializeRecord(row, row.data_stream_key);
    },
  );

  app.delete(
    '/records/:id',
    {
      schema: {
        tags,
        summary: 'Delete a record',
        params: IdParams,
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      const id = parseId(request.params.id, 'record_not_found');
      if (!(await deleteRecord(store.db, request.environment.id, id))) throw new AppError('record_not_found');
      return reply.status(204).send(null);
    },
  );
}
