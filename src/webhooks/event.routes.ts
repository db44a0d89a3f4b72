import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { decodeCursor, pageOf } from '../http/pagination.js';
import { commonErrors, CursorPage } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { envelopeObject } from './envelope.js';
import { EVENT_TYPES, parseEventId } from './event-types.js';
import { deliveriesOf, findEvent, listEvents } from './event.repository.js';
import { RedeliverBody, RedeliverResult, serializeDelivery, WebhookEvent, WebhookEventWithDeliveries } from './event.schemas.js';
import { addDeliveries } from './sql/record-event.js';
import { enabledEventsOf } from './webhook-endpoint.schemas.js';

const tags = ['Webhooks'];
const EventParams = Type.Object({ id: Type.String({ description: 'evt_<n> (or the number alone)' }) });

export async function eventRoutes(app: App, deps: RouteDeps) {
  const { store, now } = deps;

  async function eventOr404(environmentId: number, rawId: string) {
    const id = parseEventId(rawId);
    const row = id === undefined ? undefined : await findEvent(store.db, environmentId, id);
    if (!row) throw new AppError('event_not_found');
    return row;
  }

  app.get(
    '/events',
    {
      schema: {
        tags,
        summary: 'List events',
        description: 'Every event of the environment, newest first, cursor-paginated; whether or not an endpoint received it.',
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ description: 'Opaque cursor from a previous next_cursor. Omit for the first page.' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          event_type: Type.Optional(Type.Enum(EVENT_TYPES)),
        }),
        response: { 200: CursorPage(WebhookEvent), ...commonErrors },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await listEvents(
        store.db,
        request.environment.id,
        request.query.event_type !== undefined ? { eventType: request.query.event_type } : {},
        decodeCursor(request.query.cursor),
        limit,
      );
      const { page, nextCursor } = pageOf(rows, limit);
      return { data: page.map(envelopeObject), next_cursor: nextCursor, limit };
    },
  );

  app.get(
    '/events/:id',
    {
      schema: {
        tags,
        summary: 'Get an event',
        description: 'The envelope as it is sent, and its deliveries (one per endpoint, and per redelivery).',
        params: EventParams,
        response: { 200: WebhookEventWithDeliveries, ...commonErrors },
      },
    },
    async (request) => {
      const row = await eventOr404(request.environment.id, request.params.id);
      return { ...envelopeObject(row), deliveries: (await deliveriesOf(store.db, row.id)).map(serializeDelivery) };
    },
  );

  app.post(
    '/events/:id/redeliver',
    {
      schema: {
        tags,
        summary: 'Redeliver an event',
        description:
          'A new delivery of the event, with the same webhook-id and a fresh retry schedule: to the endpoint named, or to every enabled endpoint subscribed to its type. It queues behind deliveries already pending for that endpoint.',
        params: EventParams,
        body: Type.Optional(RedeliverBody),
        response: { 202: RedeliverResult, ...commonErrors },
      },
    },
    async (request, reply) => {
      const event = await eventOr404(request.environment.id, request.params.id);
      const only = request.body?.webhook_endpoint_id;
      const endpoints = await store.db
        .selectFrom('webhook_endpoints')
        .select(['id', 'enabled_events', 'disabled'])
        .where('environment_id', '=', request.environment.id)
        .$if(only !== undefined, (q) => q.where('id', '=', only!))
        .execute();
      if (only !== undefined && endpoints.length === 0) throw new AppError('webhook_endpoint_not_found');
      const targets = endpoints.filter((e) => only !== undefined || (e.disabled === 0 && (enabledEventsOf(e).includes('*') || enabledEventsOf(e).includes(event.event_type))));
      const before = new Set((await deliveriesOf(store.db, event.id)).map((d) => d.id));
      await store.db.transaction().execute((trx) => addDeliveries(trx, event.id, event.environment_id, targets.map((e) => e.id), now()));
      const added = (await deliveriesOf(store.db, event.id)).filter((d) => !before.has(d.id));
      return reply.status(202).send({ deliveries: added.map(serializeDelivery) });
    },
  );
}
