import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { commonErrors, ErrorResponse, StreamKeyParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import {
  activeBulkRequestIds,
  countRecordsUpTo,
  deleteStreamNow,
  findStreamByKey,
  insertStream,
  listStreams,
  SYNC_DELETE_LIMIT,
  updateStream,
} from './data-stream.repository.js';
import { CreateDataStreamBody, DataStream, serializeStream, STREAM_KEY_PATTERN, UpdateDataStreamBody } from './data-stream.schemas.js';

const keyPattern = new RegExp(STREAM_KEY_PATTERN);

export async function dataStreamRoutes(app: App, deps: RouteDeps) {
  const { store, now } = deps;

  async function streamOr404(environmentId: number, key: string) {
    const stream = await findStreamByKey(store.db, environmentId, key);
    if (!stream) throw new AppError('data_stream_not_found');
    return stream;
  }

  app.get(
    '/data_streams',
    { schema: { tags: ['Data streams'], summary: 'List data streams', response: { 200: Type.Array(DataStream), ...commonErrors } } },
    async (request) => (await listStreams(store.db, request.environment.id)).map(serializeStream),
  );

  app.post(
    '/data_streams',
    {
      schema: {
        tags: ['Data streams'],
        summary: 'Create a data stream',
        body: CreateDataStreamBody,
        response: { 201: DataStream, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { key, name, description, type } = request.body;
      if (!keyPattern.test(key)) throw new AppError('invalid_data_stream_key');
      if (type === 'bank_feed') throw new AppError('unsupported_stream_type');
      const row = await insertStream(store.db, {
        environment_id: request.environment.id,
        key,
        name,
        description: description ?? null,
        type: 'api',
        now: now(),
      });
      if (!row) throw new AppError('data_stream_key_taken', undefined, { key });
      return reply.status(201).send(serializeStream(row));
    },
  );

  app.get(
    '/data_streams/:key',
    {
      schema: {
        tags: ['Data streams'],
        summary: 'Retrieve a data stream',
        params: StreamKeyParams,
        response: { 200: DataStream, ...commonErrors },
      },
    },
    async (request) => serializeStream(await streamOr404(request.environment.id, request.params.key)),
  );

  app.patch(
    '/data_streams/:key',
    {
      schema: {
        tags: ['Data streams'],
        summary: 'Update a data stream',
        params: StreamKeyParams,
        body: UpdateDataStreamBody,
        response: { 200: DataStream, ...commonErrors },
      },
    },
    async (request) => {
      const stream = await streamOr404(request.environment.id, request.params.key);
      const changes: { name?: string; description?: string | null } = {};
      if (request.body.name !== undefined) changes.name = request.body.name;
      if (request.body.description !== undefined) changes.description = request.body.description;
      return serializeStream(await updateStream(store.db, stream.id, changes, now()));
    },
  );

  app.delete(
    '/data_streams/:key',
    {
      schema: {
        tags: ['Data streams'],
        summary: 'Delete a data stream',
        description: `Deletes the stream, its records, import batches and property definitions at once when it has at most ${SYNC_DELETE_LIMIT} records (204). Bulk request history stays readable.`,
        params: StreamKeyParams,
        response: { 204: Type.Null(), 409: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const environmentId = request.environment.id;
      await store.db.transaction().execute(async (trx) => {
        const stream = await findStreamByKey(trx, environmentId, request.params.key);
        if (!stream) throw new AppError('data_stream_not_found');
        const busy = await activeBulkRequestIds(trx, stream.id);
        if (busy.length > 0) throw new AppError('stream_busy', undefined, { bulk_request_ids: busy });
        if ((await countRecordsUpTo(trx, stream.id, SYNC_DELETE_LIMIT)) > SYNC_DELETE_LIMIT) {
          throw new AppError('stream_too_large_for_sync_delete');
        }
        await deleteStreamNow(trx, stream.id);
      });
      return reply.status(204).send(null);
    },
  );
}
