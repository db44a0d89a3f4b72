import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { commonErrors, ErrorResponse, StreamKeyParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { beginOperation } from '../operations/operation.repository.js';
import { operationRoutes } from '../operations/operation.routes.js';
import { DataStreamOperation, operationUrl, serializeOperation } from '../operations/operation.schemas.js';
import { asyncFlag } from './async-flag.js';
import {
  deleteStreamNow,
  findStreamByKey,
  insertStream,
  listStreams,
  lockStreamForOperation,
  SYNC_DELETE_LIMIT,
  updateStream,
} from './data-stream.repository.js';
import { CreateDataStreamBody, DataStream, serializeStream, STREAM_KEY_PATTERN, UpdateDataStreamBody } from './data-stream.schemas.js';
import { recordCounts } from './record-counts.js';
import { refuseIfBusy } from './stream-guard.js';
import { streamHealth } from './stream-health.js';
import { DataStreamHealth } from './stream-health.schemas.js';

const DeleteQuery = Type.Object({
  async: Type.Optional(
    Type.String({
      enum: ['true', 'false'],
      description: `"true": delete as an operation (202). Required above ${SYNC_DELETE_LIMIT} records. A JSON body {"async": true} works too.`,
    }),
  ),
});

const keyPattern = new RegExp(STREAM_KEY_PATTERN);

export async function dataStreamRoutes(app: App, deps: RouteDeps) {
  const { store, config, now } = deps;

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
      attachValidation: true,
      schema: {
        tags: ['Data streams'],
        summary: 'Delete a data stream',
        description:
          `Deletes the stream, its records, import batches and property definitions; bulk request history stays readable. ` +
          `With at most ${SYNC_DELETE_LIMIT} records and async not true, at once (204). With async=true, as an operation ` +
          `processed by the workers (202, Location of the operation to poll); a larger stream without it answers 409 ` +
          `stream_too_large_for_sync_delete. 409 stream_busy while bulk requests of the stream are pending or processing, ` +
          `or another operation runs on it; an async delete while a delete is already under way returns that operation.`,
        params: StreamKeyParams,
        querystring: DeleteQuery,
        response: { 202: DataStreamOperation, 204: Type.Null(), 409: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      if (request.validationError && request.validationError.validationContext !== 'querystring') throw request.validationError;
      const runAsync = asyncFlag((request.query as { async?: unknown }).async, request.body);
      const environmentId = request.environment.id;
      const started = await store.db.transaction().execute(async (trx) => {
        const stream = await lockStreamForOperation(trx, store.caps, environmentId, request.params.key);
        if (!stream) throw new AppError('data_stream_not_found');
        if (runAsync) return beginOperation(trx, stream, 'delete', now());
        await refuseIfBusy(trx, stream);
        if ((await recordCounts(trx, stream.id)).records > SYNC_DELETE_LIMIT) {
          throw new AppError('stream_too_large_for_sync_delete');
        }
        await deleteStreamNow(trx, stream.id);
        return undefined;
      });
      if (!started) return reply.status(204).send(null);
      if (started.created) store.wake();
      return reply.status(202).header('location', operationUrl(started.operation)).send(serializeOperation(started.operation));
    },
  );

  app.get(
    '/data_streams/:key/health',
    {
      schema: {
        tags: ['Data streams'],
        summary: 'Get data stream ingestion health',
        description:
          'Record count, import batch totals, records without an import batch, bulk requests of the stream by status ' +
          '(and how many are stuck), last ingestion time. Every number is an index lookup: safe to poll. Bulk requests ' +
          'whose items name several streams belong to none (their data_stream_id is null) and are not counted here.',
        params: StreamKeyParams,
        response: { 200: DataStreamHealth, ...commonErrors },
      },
    },
    async (request) => {
      const stream = await streamOr404(request.environment.id, request.params.key);
      return streamHealth(store.db, stream.id, now() - config.engine.stuckAfterMs);
    },
  );

  // Reset and operation polling live with the operations; they hang under /data_streams/{key} too.
  await app.register(operationRoutes, deps);
}
