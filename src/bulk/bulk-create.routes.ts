import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { commonErrors, ErrorResponse } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { validatorCompiler } from '../http/validation.js';
import { BulkBody, bulkBodyOf, readBulkBody } from '../staging/bulk-body.js';
import { BulkRequest, serializeBulkRequest } from './bulk-request.schemas.js';

const BulkQuery = Type.Object({ dry_run: Type.Optional(Type.Boolean()) });
const BulkHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

export async function bulkCreateRoutes(app: App, deps: RouteDeps) {
  const { store, config, now, stager } = deps;

  app.post(
    '/records/bulk',
    {
      attachValidation: true,
      // A bad string fails its row (validate-record.ts), not the request. The body arrives as bytes and is
      // read where it is staged (src/staging/): its schema below documents it, the staging code checks it.
      config: { checksOwnText: true, rawJsonBody: true },
      validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
      schema: {
        tags: ['Bulk requests'],
        summary: 'Bulk create records',
        description:
          'Accepts 1-1,000 records for asynchronous processing. The request and every item are on disk before the 202 is sent. Item problems become failed results, never HTTP errors.',
        headers: BulkHeaders,
        querystring: BulkQuery,
        body: BulkBody,
        response: { 202: BulkRequest, 400: ErrorResponse, 413: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const environmentId = request.environment.id;
      // JSON arrives as bytes (rawJsonBody). Any other content type's parser made a string or nothing, which
      // bulkBodyOf refuses (422) as Fastify's validation did; should a parser ever make a valid body of
      // another type, it is still not JSON bytes to stage, so it is refused as a media type.
      const body: unknown = request.body;
      if (!Buffer.isBuffer(body)) {
        bulkBodyOf(body, { queryDryRun: undefined, idempotent: false });
        throw new AppError('unsupported_media_type');
      }
      if (request.validationError) {
        // A bad body is named before a bad query string or header, as Fastify's own order had it.
        readBulkBody(body, { queryDryRun: undefined, idempotent: false });
        throw request.validationError;
      }
      const idempotencyKey = request.headers['idempotency-key'];
      const { row, created } = await stager.create({ environmentId, idempotencyKey, queryDryRun: request.query.dry_run, body, now: now() });
      if (created) store.wake();
      else reply.header('idempotent-replayed', 'true');
      return reply.status(202).send(serializeBulkRequest(row, now(), config.engine.stuckAfterMs));
    },
  );
}
