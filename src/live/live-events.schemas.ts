import { Type } from 'typebox';
import { ErrorResponse } from '../http/schemas.js';

// The two server-sent event streams (docs/live-updates.md). Both answer `text/event-stream` and are
// authenticated like every /v1 route (X-API-KEY header; never a query-string key). Every event's `data` is
// one line of JSON: the bulk request exactly as GET /v1/bulk_requests (the list) returns it, without results.

export const REQUEST_EVENT_NAMES = ['progress', 'completed', 'failed', 'cancelled'] as const;
export type RequestEventName = (typeof REQUEST_EVENT_NAMES)[number];
/** The one event name of the environment-wide stream. */
export const LIST_EVENT_NAME = 'bulk_request';

export const EventHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ description: 'The id of the last event received: only later events are sent (docs/live-updates.md)' }),
  ),
});

const EventStreamText = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: Type.String() } },
});

export const requestEventsResponses = {
  200: EventStreamText(
    [
      'Server-sent events. `event: progress` for the current state on connect and after every committed chunk',
      '(data = the bulk request, as GET /v1/bulk_requests/{id} returns it without results), then exactly one',
      '`event: completed`, `failed` or `cancelled`, after which the stream ends. `id:` on every event is',
      'processed_items × 4 + stage (0 parsing, 1 pending, 2 processing, 3 finished): it only grows, so',
      'Last-Event-ID resumes with later events only. A `: keep-alive` comment every 15 s.',
    ].join(' '),
  ),
  401: ErrorResponse,
  404: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
};

export const listEventsResponses = {
  200: EventStreamText(
    [
      'Server-sent events for every bulk request of the key\'s environment: `event: bulk_request` (data = the',
      'bulk request as the list returns it) when one is created or its status, counters or parsing flag change;',
      'at most one event per request per second. The stream never ends by itself. `id:` is a time in epoch',
      'milliseconds; with Last-Event-ID the stream starts with every request that changed since then.',
      'A `: keep-alive` comment every 15 s.',
    ].join(' '),
  ),
  401: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
};
