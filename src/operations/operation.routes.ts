import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { parseId } from '../http/pagination.js';
import { commonErrors, ErrorResponse, StreamKeyParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { lockStreamForOperation } from '../streams/data-stream.repository.js';
import { beginOperation, findOperation } from './operation.repository.js';
import { DataStreamOperation, operationUrl, serializeOperation } from './operation.schemas.js';

const tags = ['Data streams'];

export async function operationRoutes(app: App, deps: RouteDeps) {
  const { store, now } = deps;

  app.post(
    '/data_streams/:key/reset',
    {
      schema: {
        tags,
        summary: 'Reset a data stream',
        description:
          'Removes every record and import batch of the stream, keeping the stream, its property definitions and its bulk ' +
          'request history. Always asynchronous: 202 with the operation, whose Location to poll. While it runs the stream ' +
          'takes no new records (409 stream_busy). 409 stream_busy while bulk requests of the stream are pending or ' +
          'processing, or a delete runs on it; a reset while a reset is already under way returns that operation.',
        params: StreamKeyParams,
        response: { 202: DataStreamOperation, 409: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const environmentId = request.environment.id;
      const started = await store.db.transaction().execute(async (trx) => {
        const stream = await lockStreamForOperation(trx, store.caps, environmentId, request.params.key);
        if (!stream) throw new AppError('data_stream_not_found');
        return beginOperation(trx, stream, 'reset', now());
      });
      if (started.created) store.wake();
      return reply.status(202).header('location', operationUrl(started.operation)).send(serializeOperation(started.operation));
    },
  );

  app.get(
    '/data_streams/:key/operations/:id',
    {
      schema: {
        tags,
        summary: 'Get a data stream operation',
        description: 'A delete or reset of this stream, by the id its 202 gave. Still readable after a delete has removed the stream.',
        params: Type.Object({ ...StreamKeyParams.properties, id: Type.String({ description: 'Numeric operation id' }) }),
        response: { 200: DataStreamOperation, ...commonErrors },
      },
    },
    async (request) => {
      const id = parseId(request.params.id, 'operation_not_found');
      const operation = await findOperation(store.db, request.environment.id, request.params.key, id);
      if (!operation) throw new AppError('operation_not_found');
      return serializeOperation(operation);
    },
  );
}
