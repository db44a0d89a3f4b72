import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { decodeCursor, iso, pageOf, parseId } from '../http/pagination.js';
import { commonErrors, CursorPage, IdParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { sendAttempt } from './delivery/send.js';
import { generateSecret, signedHeaders, signingSecrets } from './signing.js';
import { checkEndpointUrl, UnsafeUrl } from './url-safety.js';
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  rotateSecret,
  storedEnabledEvents,
  updateEndpoint,
} from './webhook-endpoint.repository.js';
import {
  CreateWebhookEndpointBody,
  DeliveryAttempt,
  EndpointTestResult,
  serializeAttempt,
  serializeEndpoint,
  UpdateWebhookEndpointBody,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook-endpoint.schemas.js';

const tags = ['Webhooks'];
const PageQuery = Type.Object({
  cursor: Type.Optional(Type.String({ description: 'Opaque cursor from a previous next_cursor. Omit for the first page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export async function webhookEndpointRoutes(app: App, deps: RouteDeps) {
  const { store, config, now } = deps;
  const policy = config.webhooks;

  async function endpointOr404(environmentId: number, rawId: string) {
    const row = await findEndpoint(store.db, environmentId, parseId(rawId, 'webhook_endpoint_not_found'));
    if (!row) throw new AppError('webhook_endpoint_not_found');
    return row;
  }

  /** The URL as it will be called: https (unless allowed otherwise) and resolving only to public addresses. */
  async function checkedUrl(raw: string): Promise<string> {
    try {
      return (await checkEndpointUrl(raw, policy)).href;
    } catch (error) {
      if (error instanceof UnsafeUrl) throw new AppError(error.code, error.message, { field: 'url' });
      throw error;
    }
  }

  app.post(
    '/webhook_endpoints',
    {
      schema: {
        tags,
        summary: 'Create a webhook endpoint',
        description: 'The answer holds the signing secret (whsec_...), shown this once. Events of this environment that happen from now on are sent to it.',
        body: CreateWebhookEndpointBody,
        response: { 201: WebhookEndpointWithSecret, ...commonErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const url = await checkedUrl(body.url);
      const secret = generateSecret();
      const at = now();
      const row = await insertEndpoint(store.db, {
        environmentId: request.environment.id,
        url,
        description: body.description ?? null,
        enabledEvents: storedEnabledEvents(body.enabled_events),
        disabled: body.disabled ?? false,
        secret,
        now: at,
      });
      return reply.status(201).send({ ...serializeEndpoint(row, at), secret });
    },
  );

  app.get(
    '/webhook_endpoints',
    { schema: { tags, summary: 'List webhook endpoints', description: 'Newest first, cursor-paginated.', querystring: PageQuery, response: { 200: CursorPage(WebhookEndpoint), ...commonErrors } } },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await listEndpoints(store.db, request.environment.id, decodeCursor(request.query.cursor), limit);
      const { page, nextCursor } = pageOf(rows, limit);
      const at = now();
      return { data: page.map((row) => serializeEndpoint(row, at)), next_cursor: nextCursor, limit };
    },
  );

  app.get(
    '/webhook_endpoints/:id',
    { schema: { tags, summary: 'Get a webhook endpoint', params: IdParams, response: { 200: WebhookEndpoint, ...commonErrors } } },
    async (request) => serializeEndpoint(await endpointOr404(request.environment.id, request.params.id), now()),
  );

  app.patch(
    '/webhook_endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Update a webhook endpoint',
        description: 'url, description, enabled_events, disabled. disabled: false re-enables an endpoint Sluice disabled; its pending deliveries resume.',
        params: IdParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: WebhookEndpoint, ...commonErrors },
      },
    },
    async (request) => {
      const row = await endpointOr404(request.environment.id, request.params.id);
      const body = request.body;
      const url = body.url !== undefined ? await checkedUrl(body.url) : undefined;
      const updated = await updateEndpoint(
        store.db,
        row,
        {
          ...(url !== undefined ? { url } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.enabled_events !== undefined ? { enabledEvents: storedEnabledEvents(body.enabled_events) } : {}),
          ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        },
        now(),
      );
      return serializeEndpoint(updated, now());
    },
  );

  app.delete(
    '/webhook_endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'Its pending deliveries are dropped with it; the events stay listed.',
        params: IdParams,
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      const row = await endpointOr404(request.environment.id, request.params.id);
      await store.db.transaction().execute((trx) => deleteEndpoint(trx, row.id));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhook_endpoints/:id/rotate_secret',
    {
      schema: {
        tags,
        summary: "Rotate a webhook endpoint's signing secret",
        description: 'Returns the new secret, shown this once. The old one keeps signing beside it (a second signature in webhook-signature) for 24 h.',
        params: IdParams,
        response: { 200: WebhookEndpointWithSecret, ...commonErrors },
      },
    },
    async (request) => {
      const row = await endpointOr404(request.environment.id, request.params.id);
      const secret = generateSecret();
      const at = now();
      const rotated = await rotateSecret(store.db, row, secret, at);
      return { ...serializeEndpoint(rotated, at), secret };
    },
  );

  app.get(
    '/webhook_endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: "List a webhook endpoint's delivery attempts",
        description: 'Every attempt, newest first: status code, duration, error and the first 4 KiB of the response.',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: CursorPage(DeliveryAttempt), ...commonErrors },
      },
    },
    async (request) => {
      const row = await endpointOr404(request.environment.id, request.params.id);
      const limit = request.query.limit ?? 50;
      const rows = await listAttempts(store.db, row.id, decodeCursor(request.query.cursor), limit);
      const { page, nextCursor } = pageOf(rows, limit);
      return { data: page.map(serializeAttempt), next_cursor: nextCursor, limit };
    },
  );

  app.post(
    '/webhook_endpoints/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a test event to a webhook endpoint',
        description:
          'Sends one signed webhook_endpoint.test event at once and answers with the outcome. It is not stored as an event and not retried; the URL rules apply as for every delivery.',
        params: IdParams,
        response: { 200: EndpointTestResult, ...commonErrors },
      },
    },
    async (request) => {
      const row = await endpointOr404(request.environment.id, request.params.id);
      const at = now();
      const webhookId = `evt_test_${randomBytes(8).toString('hex')}`;
      const body = JSON.stringify({ id: webhookId, event_type: 'webhook_endpoint.test', timestamp: iso(at), data: { webhook_endpoint_id: row.id } });
      const result = await sendAttempt(row.url, body, signedHeaders(webhookId, new Date(at), body, signingSecrets(row, at)), policy);
      return {
        webhook_id: webhookId,
        delivered: result.ok,
        status_code: result.statusCode,
        duration_ms: result.durationMs,
        error: result.error,
        response_excerpt: result.responseExcerpt,
      };
    },
  );
}
