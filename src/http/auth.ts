import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.js';
import { accessForKey, type KeyAccess } from '../keys/api-key.repository.js';
import type { Store } from '../db/connect.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The environment the API key opens; set on every authenticated route. */
    environment: { id: number; name: string };
    /** The API key itself (never its value): its id and how it wants bulk request results written. */
    apiKey: KeyAccess['key'];
  }
  interface FastifyContextConfig {
    /** Routes that answer without an API key (probes, metrics, the OpenAPI document). */
    public?: boolean;
  }
}

/** Resolves X-API-KEY to its environment before anything else runs; the key itself is never logged. */
export const auth = fp(async (app: FastifyInstance, opts: { store: Store }) => {
  app.decorateRequest('environment', null as unknown as FastifyRequest['environment']);
  app.decorateRequest('apiKey', null as unknown as FastifyRequest['apiKey']);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public || request.routeOptions.url === undefined) return;
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 512) throw new AppError('unauthorized');
    const access = await accessForKey(opts.store.db, key);
    if (!access) throw new AppError('unauthorized');
    request.environment = access.environment;
    request.apiKey = access.key;
  });
});
