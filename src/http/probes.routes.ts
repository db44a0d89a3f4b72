import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Store } from '../db/connect.js';
import { AppError } from '../errors/app-error.js';
import type { Metrics } from '../metrics.js';
import { ErrorResponse } from './schemas.js';

/** Liveness, readiness, metrics and the OpenAPI document: public, not rate limited, not under /v1 auth. */
export async function probeRoutes(app: FastifyInstance, opts: { store: Store; metrics: Metrics }) {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: ErrorResponse } },
    },
    async () => {
      try {
        await sql`select 1`.execute(opts.store.db);
      } catch {
        throw new AppError('database_unavailable');
      }
      return { status: 'ready' as const };
    },
  );

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });

  app.get('/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
