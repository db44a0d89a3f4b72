import type { Selectable } from 'kysely';
import { Type } from 'typebox';
import { iso } from '../http/pagination.js';
import { NO_NUL, Nullable, NullableTimestamp, Timestamp } from '../http/schemas.js';
import { EVENT_TYPES, eventIdOf } from './event-types.js';
import type { DeliveryStatus, WebhookAttemptTable, WebhookEndpointTable } from './webhook.table.js';

/** An event type, or `*` for every type (also those added later). */
export const EnabledEvent = Type.Enum([...EVENT_TYPES, '*'] as const);

const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: NO_NUL, description: 'https URL the events are POSTed to' });
const Description = Nullable(Type.String({ maxLength: 1000, pattern: NO_NUL }));
const EnabledEvents = Type.Array(EnabledEvent, {
  minItems: 1,
  maxItems: EVENT_TYPES.length + 1,
  uniqueItems: true,
  description: 'Event types sent to this endpoint; ["*"] (the default) for all',
});

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    enabled_events: Type.Optional(EnabledEvents),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    enabled_events: Type.Optional(EnabledEvents),
    disabled: Type.Optional(Type.Boolean({ description: 'false re-enables an endpoint, also one disabled automatically' })),
  },
  { additionalProperties: false },
);

export const WebhookEndpoint = Type.Object(
  {
    id: Type.Integer(),
    url: Type.String(),
    description: Nullable(Type.String()),
    enabled_events: Type.Array(EnabledEvent),
    disabled: Type.Boolean(),
    disabled_reason: Nullable(Type.String({ description: 'Why Sluice disabled the endpoint (failing deliveries); null otherwise' })),
    failing_since: NullableTimestamp,
    previous_secret_expires_at: Type.Union([Timestamp, Type.Null()], { description: 'After a rotation: until when the old secret still signs beside the new one' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookEndpoint', description: 'A URL that receives signed events of one environment. The secret is never returned after creation.' },
);

export const WebhookEndpointWithSecret = Type.Intersect(
  [WebhookEndpoint, Type.Object({ secret: Type.String({ description: 'whsec_...: shown only in this answer; store it now' }) })],
  { $id: 'WebhookEndpointWithSecret' },
);

export type EndpointRow = Selectable<WebhookEndpointTable>;

export function enabledEventsOf(row: Pick<EndpointRow, 'enabled_events'>): string[] {
  return row.enabled_events === null ? ['*'] : (JSON.parse(row.enabled_events) as string[]);
}

/** Never the secret: only the create and rotate answers add it, once. */
export function serializeEndpoint(row: EndpointRow, now: number) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    enabled_events: enabledEventsOf(row) as Array<(typeof EVENT_TYPES)[number] | '*'>,
    disabled: row.disabled === 1,
    disabled_reason: row.disabled_reason,
    failing_since: iso(row.failing_since),
    previous_secret_expires_at: row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now ? iso(row.previous_secret_expires_at) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export const DeliveryAttempt = Type.Object(
  {
    id: Type.Integer(),
    delivery_id: Type.Integer({ description: 'One delivery (an event to this endpoint) has one or more attempts' }),
    event_id: Type.String({ description: 'The event, and the webhook-id header of the attempt' }),
    event_type: Type.String(),
    attempt: Type.Integer({ description: '1 for the first attempt of the delivery' }),
    url: Type.String({ description: 'The URL the attempt went to' }),
    status_code: Nullable(Type.Integer({ description: 'HTTP status of the answer; null when there was none (timeout, refused, connection error)' })),
    duration_ms: Type.Integer(),
    error: Nullable(Type.String({ description: 'Why the attempt failed; null for a 2xx' })),
    response_excerpt: Nullable(Type.String({ description: 'The first 4 KiB of the response body' })),
    delivery_status: Type.Enum(['pending', 'delivering', 'succeeded', 'failed'] as const, {
      description: 'The delivery now: pending (a retry is scheduled), delivering, succeeded, failed (retries exhausted)',
    }),
    next_attempt_at: NullableTimestamp,
    created_at: Timestamp,
  },
  { $id: 'WebhookDeliveryAttempt' },
);

export type AttemptRow = Selectable<WebhookAttemptTable> & { event_type: string; delivery_status: DeliveryStatus; next_attempt_at: number };

export function serializeAttempt(row: AttemptRow) {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    event_id: eventIdOf(row.event_id),
    event_type: row.event_type,
    attempt: row.attempt,
    url: row.url,
    status_code: row.status_code,
    duration_ms: row.duration_ms,
    error: row.error,
    response_excerpt: row.response_excerpt,
    delivery_status: row.delivery_status,
    next_attempt_at: row.delivery_status === 'pending' ? iso(row.next_attempt_at) : null,
    created_at: iso(row.created_at),
  };
}

export const EndpointTestResult = Type.Object(
  {
    webhook_id: Type.String(),
    delivered: Type.Boolean({ description: 'The receiver answered 2xx' }),
    status_code: Nullable(Type.Integer()),
    duration_ms: Type.Integer(),
    error: Nullable(Type.String()),
    response_excerpt: Nullable(Type.String()),
  },
  { $id: 'WebhookEndpointTestResult', description: 'One signed webhook_endpoint.test event, sent at once; it is not stored and not retried.' },
);
