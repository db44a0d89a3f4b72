import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { parseId } from '../http/pagination.js';
import { commonErrors, IdParams, Offset, OffsetPage, StreamKeyParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { listImportBatchRecords } from '../records/record-list.js';
import { RecordSchema, serializeRecord } from '../records/record.schemas.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { findImportBatch, listImportBatches } from './import-batch.repository.js';
import { ImportBatch, serializeImportBatch } from './import-batch.schemas.js';

const offsetQuery = (defaultLimit: number) =>
  Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: defaultLimit })),
    offset: Type.Optional(Offset),
  });

export async function importBatchRoutes(app: App, deps: RouteDeps) {
  const { store } = deps;

  app.get(
    '/data_streams/:key/import_batches',
    {
      schema: {
        tags: ['Import batches'],
        summary: 'List import batches of a data stream',
        description: 'Newest first.',
        params: StreamKeyParams,
        querystring: offsetQuery(100),
        response: { 200: OffsetPage(ImportBatch), ...commonErrors },
      },
    },
    async (request) => {
      const stream = await findStreamByKey(store.db, request.environment.id, request.params.key);
      if (!stream) throw new AppError('data_stream_not_found');
      const limit = request.query.limit ?? 100;
      const offset = request.query.offset ?? 0;
      const rows = await listImportBatches(store.db, stream.id, offset, limit);
      return { data: rows.slice(0, limit).map(serializeImportBatch), has_more: rows.length > limit, offset };
    },
  );

  app.get(
    '/import_batches/:id',
    {
      schema: { tags: ['Import batches'], summary: 'Retrieve an import batch', params: IdParams, response: { 200: ImportBatch, ...commonErrors } },
    },
    async (request) => {
      const batch = await findImportBatch(store.db, request.environment.id, parseId(request.params.id, 'import_batch_not_found'));
      if (!batch) throw new AppError('import_batch_not_found');
      return serializeImportBatch(batch);
    },
  );

  app.get(
    '/import_batches/:id/records',
    {
      schema: {
        tags: ['Import batches'],
        summary: 'List the records of an import batch',
        description: 'Newest first, offset-paginated.',
        params: IdParams,
        querystring: offsetQuery(25),
        response: { 200: OffsetPage(RecordSchema), ...commonErrors },
      },
    },
    async (request) => {
      const environmentId = request.environment.id;
      const batch = await findImportBatch(store.db, environmentId, parseId(request.params.id, 'import_batch_not_found'));
      if (!batch) throw new AppError('import_batch_not_found');
      const limit = request.query.limit ?? 25;
      const offset = request.query.offset ?? 0;
      const rows = await listImportBatchRecords(store.db, environmentId, batch.id, offset, limit);
      return { data: rows.slice(0, limit).map((r) => serializeRecord(r, r.data_stream_key)), has_more: rows.length > limit, offset };
    },
  );
}
