import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.js';
import { environmentForKey } from '../keys/api-key.repository.js';
import type { Store } from '../db/connect.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The environment the API key opens; set on every authenticated route. */
    environment: { id: number; name: string };
  }
  interface FastifyContextConfig {
    /** Routes that answer without an API key (probes, metrics, the OpenAPI document). */
    public?: boolean;
  }
}

/** Resolves X-API-KEY to its environment before anything else runs; the key itself is never logged. */
export const auth = fp(async (app: FastifyInstance, opts: { store: Store }) => {
  app.decorateRequest('environment', null as unknown as FastifyRequest['environment']);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public || request.routeOptions.url === undefined) return;
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 512) throw new AppError('unauthorized');
    const environment = await environmentForKey(opts.store.db, key);
    if (!environment) throw new AppError('unauthorized');
    request.environment = environment;
  });
});
