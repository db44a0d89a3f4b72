import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { webhooksDocument } from '../webhooks/event.schemas.js';

/** Collects every route's schemas into the OpenAPI document; must be registered before the routes. */
export const openapi = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sluice API',
        version: '1.0.0',
        description: 'Bulk ingestion of financial records, compatible with the bulk-ingestion part of the End Close API v1.',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-KEY' } } },
      security: [{ ApiKeyAuth: [] }],
      // The events Sluice POSTs to webhook endpoints (docs/webhooks.md), one entry per event type.
      webhooks: webhooksDocument() as never,
    },
  });
});
