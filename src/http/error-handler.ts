import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { databaseFault } from '../db/faults.js';
import { AppError } from '../errors/app-error.js';

// Every error leaves as `{error, message, details?}` with a catalogued code. Nothing else gets out:
// no stack, no SQL, no driver message. Unknown errors are logged (without the request body) and become
// 500 internal_error.

function fromFastifyError(error: FastifyError): AppError | undefined {
  if (error.validation) {
    const first = error.validation[0];
    const where = error.validationContext ?? 'body';
    const path = first?.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const message = missing ? `${path}.${missing} is required` : `${path} ${first?.message ?? 'is invalid'}`;
    // Query strings hold filters, cursors and limits: their problems are `invalid_filter` (SPEC 2).
    return new AppError(where === 'querystring' ? 'invalid_filter' : 'validation_failed', message, {
      errors: error.validation.slice(0, 20).map((v) => ({
        field: `${where}${v.instancePath.replaceAll('/', '.')}`,
        message: v.message ?? 'is invalid',
        ...(v.params && Object.keys(v.params).length ? { params: v.params } : {}),
      })),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type');
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('invalid_json');
  return undefined;
}

export const errorHandler = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const fault = databaseFault(error);
    const known = error instanceof AppError ? error : (fromFastifyError(error) ?? (fault && new AppError(fault === 'busy' ? 'database_busy' : 'database_unavailable')));
    if (known) {
      if (known.code === 'rate_limited' && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
      // A database away or busy is weather: say when to come back (docs/operations.md).
      if (known.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '2');
      return reply.status(known.status).send(known.toBody());
    }
    if (error.statusCode === 429) {
      return reply.status(429).send(new AppError('rate_limited').toBody());
    }
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'unhandled error');
    return reply.status(500).send(new AppError('internal_error').toBody());
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.status(404).send(new AppError('route_not_found').toBody());
  });
});
