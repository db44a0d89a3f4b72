import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Store } from './db/connect.js';
import { auth } from './http/auth.js';
import { clientErrorHandler, errorHandler, frameworkErrors } from './http/error-handler.js';
import { jsonBody } from './http/json-body.js';
import { gracefulClose } from './http/graceful-close.js';
import { securityHeaders } from './http/security-headers.js';
import { openapi } from './http/openapi.js';
import { probeRoutes } from './http/probes.routes.js';
import { docsPage } from './docs/docs-page.js';
import { rateLimiting } from './http/rate-limit.js';
import { textGuard } from './http/text-guard.js';
import { validatorCompiler } from './http/validation.js';
import type { App, RouteDeps } from './http/types.js';
import { inProcessStager, type BulkStager } from './staging/stager.js';
import { logSerializers } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { dataStreamRoutes } from './streams/data-stream.routes.js';
import { recordRoutes } from './records/record.routes.js';
import { propertyDefinitionRoutes } from './properties/property-definition.routes.js';
import { bulkCreateRoutes } from './bulk/bulk-create.routes.js';
import { bulkRequestRoutes } from './bulk/bulk-request.routes.js';
import { uploadRoutes } from './uploads/upload.routes.js';
import { importBatchRoutes } from './imports/import-batch.routes.js';
import { webhookEndpointRoutes } from './webhooks/webhook-endpoint.routes.js';
import { eventRoutes } from './webhooks/event.routes.js';
import { registerWebhookGauges } from './webhooks/metrics.js';
import { dashboard } from './dashboard/dashboard.plugin.js';
import { liveEventRoutes } from './live/live-events.routes.js';
import { apiKeyRoutes } from './keys/api-key.routes.js';

export interface AppOptions {
  store: Store;
  config: Config;
  metrics?: Metrics;
  now?: () => number;
  /** `serve`'s staging threads; unset, bulk bodies and uploads are read and staged on the API thread. */
  stager?: BulkStager;
}

/** Bodies up to 32 MiB: 1,000 records of up to 16 KiB of metadata each, plus their other fields. */
const BODY_LIMIT = 32 * 1024 * 1024;

/**
 * The whole API as one plugin, in a fixed order: external plugins, then Sluice's own plugins, then routes.
 * server.ts only starts and stops it; tests call `buildApp` and use `inject` without a port.
 */
export async function app(instance: App, opts: AppOptions & { metrics: Metrics }) {
  const now = opts.now ?? Date.now;
  const stager = opts.stager ?? inProcessStager(opts.store, opts.config, now);
  const deps: RouteDeps = { store: opts.store, config: opts.config, metrics: opts.metrics, now, stager };

  instance.setValidatorCompiler(validatorCompiler);

  // First, so that its headers are on every answer, even one a later hook ends (401, 429).
  await instance.register(securityHeaders);

  // External plugins
  await instance.register(openapi);
  await instance.register(rateLimiting, opts.config.rateLimit);

  // Sluice's plugins
  await instance.register(errorHandler);
  await instance.register(gracefulClose);
  await instance.register(jsonBody);
  await instance.register(auth, { store: opts.store });
  await instance.register(textGuard);
  instance.addHook('onResponse', async (request, reply) => {
    opts.metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  // The webhook queue is read from the database at every scrape, so any process's /metrics shows all of it.
  registerWebhookGauges(opts.metrics.registry, opts.store, deps.now);

  // Routes
  await instance.register(probeRoutes, { store: opts.store, metrics: opts.metrics });
  // Beside the API, not under /v1: the pages at / and their modules under /ui/.
  await instance.register(dashboard);
  await instance.register(docsPage);
  await instance.register(
    async (v1: App) => {
      await v1.register(dataStreamRoutes, deps);
      await v1.register(recordRoutes, deps);
      await v1.register(propertyDefinitionRoutes, deps);
      await v1.register(bulkCreateRoutes, deps);
      await v1.register(liveEventRoutes, deps);
      await v1.register(bulkRequestRoutes, deps);
      await v1.register(uploadRoutes, deps);
      await v1.register(importBatchRoutes, deps);
      await v1.register(webhookEndpointRoutes, deps);
      await v1.register(eventRoutes, deps);
      await v1.register(apiKeyRoutes, deps);
    },
    { prefix: '/v1' },
  );
}

export async function buildApp(opts: AppOptions, fastifyOptions: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const instance = Fastify({
    bodyLimit: BODY_LIMIT,
    // Account numbers and keys live in bodies and headers: log neither, only method, url and status.
    logger: fastifyOptions.logger ?? false,
    frameworkErrors,
    clientErrorHandler,
    ...fastifyOptions,
    // Whatever logger is given, request URLs are logged redacted (logger.ts).
    ...(fastifyOptions.loggerInstance ? { loggerInstance: fastifyOptions.loggerInstance.child({}, { serializers: logSerializers }) } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();
  await instance.register(app, { ...opts, metrics: opts.metrics ?? createMetrics() });
  await instance.ready();
  return instance;
}
