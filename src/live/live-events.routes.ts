import type { BulkRequestRow } from '../bulk/bulk-request.repository.js';
import { findBulkRequest } from '../bulk/bulk-request.repository.js';
import { bulkRequestJson } from '../bulk/bulk-request.schemas.js';
import { AppError } from '../errors/app-error.js';
import { parseId } from '../http/pagination.js';
import { IdParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { ChangeHub } from './change-hub.js';
import { isFinalStatus, parseLastEventId, requestEventId } from './event-ids.js';
import { EventStream } from './event-stream.js';
import { changedSince } from './changed-since.js';
import { isKeyActive } from '../keys/api-key.repository.js';
import { EventHeaders, LIST_EVENT_NAME, listEventsResponses, requestEventsResponses, type RequestEventName } from './live-events.schemas.js';

/** The environment stream sends one request at most this often; changes in between fold into the next event. */
export const LIST_EVENT_INTERVAL_MS = 1000;

/** GET /v1/bulk_requests/{id}/events and GET /v1/bulk_requests/events (docs/live-updates.md). */
export async function liveEventRoutes(app: App, deps: RouteDeps) {
  const { store, config, now } = deps;
  const hub = new ChangeHub(store, { pollMs: config.live.pollMs, maxSubscribers: config.live.maxSubscribers });
  // Before the server closes: open streams would otherwise keep it waiting for their connections forever.
  app.addHook('preClose', async () => hub.close());
  // As text, source_details spliced as stored: a BAI2 upload's is ~89 KB, and a watched request changes every chunk.
  const view = (row: BulkRequestRow) => bulkRequestJson(row, now(), config.engine.stuckAfterMs);
  /**
   * A key checked once at the start would keep a stream open after its revocation: each keep-alive re-reads
   * it (one primary-key read per stream every SLUICE_SSE_KEEPALIVE_MS) and ends the stream once it is revoked.
   */
  const keyCheck = (keyId: number) => (stream: EventStream) => {
    isKeyActive(store.db, keyId).then(
      (active) => {
        if (!active) stream.end();
      },
      () => {
        // The database is away: the stream stays; the next keep-alive checks again.
      },
    );
  };

  app.get(
    '/bulk_requests/events',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'Stream changes of every bulk request (server-sent events)',
        description:
          "For list pages: an event whenever a bulk request of the key's environment is created or moves, at most one per request per second. docs/live-updates.md.",
        headers: EventHeaders,
        response: listEventsResponses,
      },
    },
    async (request, reply) => {
      const environmentId = request.environment.id;
      const since = parseLastEventId(request.headers['last-event-id']);
      let lastId = since ?? 0;
      const nextId = () => (lastId = Math.max(lastId + 1, now()));
      const sentAt = new Map<number, number>();
      const waiting = new Map<number, { row: BulkRequestRow; timer: NodeJS.Timeout }>();
      let stream: EventStream | undefined;
      const send = (row: BulkRequestRow) => {
        if (!stream?.open) return;
        sentAt.set(row.id, now());
        stream.event(LIST_EVENT_NAME, nextId(), view(row));
        if (sentAt.size > 10_000) for (const [id, at] of sentAt) if (now() - at >= LIST_EVENT_INTERVAL_MS) sentAt.delete(id);
      };
      const onRow = (row: BulkRequestRow) => {
        const held = waiting.get(row.id);
        if (held) {
          held.row = row;
          return;
        }
        const wait = (sentAt.get(row.id) ?? -Infinity) + LIST_EVENT_INTERVAL_MS - now();
        if (wait <= 0) return send(row);
        const entry = {
          row,
          timer: setTimeout(() => {
            waiting.delete(row.id);
            send(entry.row);
          }, wait),
        };
        waiting.set(row.id, entry);
      };
      // Subscribed before the stream opens: a refusal (503) is still an ordinary JSON error answer.
      const unsubscribe = await hub.watchEnvironment(environmentId, onRow, () => stream?.end());
      stream = new EventStream(reply, config.live.keepAliveMs, keyCheck(request.apiKey.id));
      stream.onEnd(() => {
        unsubscribe();
        for (const { timer } of waiting.values()) clearTimeout(timer);
        waiting.clear();
      });
      if (since !== undefined) {
        try {
          for (const row of await changedSince(store.db, environmentId, since)) if (!waiting.has(row.id)) send(row);
        } catch (error) {
          stream.end();
          reply.removeHeader('content-type');
          throw error;
        }
      }
      return reply.send(stream.body as unknown as string);
    },
  );

  app.get(
    '/bulk_requests/:id/events',
    {
      schema: {
        tags: ['Bulk requests'],
        summary: 'Stream the progress of a bulk request (server-sent events)',
        description:
          'One progress event per committed chunk, then one completed, failed or cancelled event, and the stream ends. Resumable with Last-Event-ID. docs/live-updates.md.',
        params: IdParams,
        headers: EventHeaders,
        response: requestEventsResponses,
      },
    },
    async (request, reply) => {
      const environmentId = request.environment.id;
      const id = parseId(request.params.id, 'bulk_request_not_found');
      const after = parseLastEventId(request.headers['last-event-id']);
      // Checked before anything is sent: an unknown id, or one of another environment, is the catalogue's 404.
      const first = await findBulkRequest(store.db, environmentId, id);
      if (!first) throw new AppError('bulk_request_not_found');
      let lastId = after ?? -1;
      let stream: EventStream | undefined;
      const show = (row: BulkRequestRow) => {
        const eventId = requestEventId(row);
        if (!stream?.open || eventId <= lastId) return;
        lastId = eventId;
        const final = isFinalStatus(row.status);
        stream.event(final ? (row.status as RequestEventName) : 'progress', eventId, view(row));
        if (final) stream.end();
      };
      if (isFinalStatus(first.status)) {
        stream = new EventStream(reply, config.live.keepAliveMs);
        show(first);
        stream.end();
        return reply.send(stream.body as unknown as string);
      }
      // Subscribed before the stream opens (a refusal, 503, is an ordinary JSON error answer), and before the
      // read below: a chunk committed between the two is in the read or in an event, never lost.
      const unsubscribe = hub.watchRequest(environmentId, id, show, () => stream?.end());
      const open = new EventStream(reply, config.live.keepAliveMs, keyCheck(request.apiKey.id));
      stream = open;
      open.onEnd(unsubscribe);
      try {
        const current = await findBulkRequest(store.db, environmentId, id);
        if (current) show(current);
        else open.end();
      } catch (error) {
        open.end();
        reply.removeHeader('content-type');
        throw error;
      }
      return reply.send(open.body as unknown as string);
    },
  );
}
