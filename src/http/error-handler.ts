import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { databaseFault } from '../db/faults.js';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/catalogue.js';
import { setSecurityHeaders } from './security-headers.js';

// Every error leaves as `{error, message, details?}` with a catalogued code. Nothing else gets out:
// no stack, no SQL, no driver message. Unknown errors are logged (without the request body) and become
// 500 internal_error.

/**
 * Fastify's and its plugins' other client errors, by status: their own bodies name Fastify codes and may
 * echo the URL. A status with no code of its own becomes a plain 400.
 */
const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  404: 'route_not_found',
  413: 'payload_too_large',
  414: 'path_parameter_too_long',
  415: 'unsupported_media_type',
};

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
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request', 'The body is not as long as its Content-Length says.');
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('invalid_json');
  // 429s are the rate limiter's, answered below with their Retry-After.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429) {
    return new AppError(BY_STATUS[error.statusCode] ?? 'bad_request');
  }
  return undefined;
}

/**
 * Errors Fastify meets before a route is chosen (a path segment over 100 characters, a URL that does not
 * decode), given to the `frameworkErrors` server option. No hook runs for them, hence the headers here.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = fromFastifyError(error) ?? new AppError('bad_request');
  setSecurityHeaders(reply, true);
  void reply.status(known.status).send(known.toBody());
}

/**
 * Requests Node's HTTP parser cannot read (malformed request line, headers over 16 KiB, too slow) never
 * reach Fastify's router: answered on the socket, in the catalogue's shape. Fastify's default handler
 * would answer in its own shape and log the error with its stack; here it is one line, code only.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = new AppError(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request');
  this.log.debug({ code: error.code }, 'unreadable HTTP request');
  if (socket.writable) {
    const body = JSON.stringify(known.toBody());
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
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
