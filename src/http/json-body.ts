import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { parseJsonBody } from './json-text.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route takes its JSON body as the raw bytes and reads it itself with `parseJsonBody` (the bulk
     * create route does, in the staging thread). Its body schema then only documents: the route's
     * validator compiler must accept the Buffer (see bulk-create.routes.ts).
     */
    rawJsonBody?: boolean;
  }
}

export const jsonBody = fp(async (app: FastifyInstance) => {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (request.routeOptions.config?.rawJsonBody) {
      done(null, body);
      return;
    }
    try {
      done(null, parseJsonBody(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
});
