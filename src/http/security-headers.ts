import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/**
 * `nosniff` on every answer: a browser never guesses a type other than the one sent (a failed-rows CSV or
 * an error body is never run as a script or rendered as HTML). `no-store` wherever an API key opened the
 * answer, including its refusals: records and requests are a tenant's data, and no proxy or browser cache
 * may keep a copy. Public answers (probes, metrics, the OpenAPI document) may be cached.
 */
export function setSecurityHeaders(reply: FastifyReply, authenticated: boolean): void {
  reply.header('x-content-type-options', 'nosniff');
  if (authenticated) reply.header('cache-control', 'no-store');
}

export const securityHeaders = fp(async (app: FastifyInstance) => {
  // onRequest, not onSend: the headers are then on every answer, even those of hooks that end a request.
  app.addHook('onRequest', async (request, reply) => {
    setSecurityHeaders(reply, request.routeOptions.config?.public !== true);
  });
});
