import { Type, type TSchema } from 'typebox';
import { BulkRequest } from '../bulk/bulk-request.schemas.js';
import { iso } from '../http/pagination.js';
import { Nullable, NullableTimestamp, Timestamp } from '../http/schemas.js';
import { ImportBatch } from '../imports/import-batch.schemas.js';
import { DataStreamOperation } from '../operations/operation.schemas.js';
import { EVENT_TYPES, type EventType } from './event-types.js';
import type { deliveriesOf } from './event.repository.js';

const envelopeProperties = {
  id: Type.String({ description: 'Unique identifier of the event (evt_<n>); also the webhook-id header of every attempt' }),
  event_type: Type.Enum(EVENT_TYPES),
  timestamp: Type.String({ format: 'date-time', description: 'When the change happened (RFC 3339, UTC)' }),
  data: Type.Object({}, { additionalProperties: true, description: 'The object as the API returns it' }),
};

/** End Close's WebhookEvent envelope. */
export const WebhookEvent = Type.Object(envelopeProperties, { $id: 'WebhookEvent', description: 'An event: End Close envelope {id, event_type, timestamp, data}.' });

const EventDelivery = Type.Object({
  id: Type.Integer(),
  webhook_endpoint_id: Type.Integer(),
  status: Type.Enum(['pending', 'delivering', 'succeeded', 'failed'] as const),
  attempts: Type.Integer(),
  next_attempt_at: NullableTimestamp,
  last_status_code: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  created_at: Timestamp,
  completed_at: NullableTimestamp,
});

export const WebhookEventWithDeliveries = Type.Object(
  { ...envelopeProperties, deliveries: Type.Array(EventDelivery, { description: 'One per endpoint the event was sent to (and per redelivery)' }) },
  { $id: 'WebhookEventWithDeliveries' },
);

export const RedeliverBody = Type.Union([
  Type.Object({ webhook_endpoint_id: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false }),
  Type.Null(),
]);

export const RedeliverResult = Type.Object({ deliveries: Type.Array(EventDelivery) });

export function serializeDelivery(row: Awaited<ReturnType<typeof deliveriesOf>>[number]) {
  return {
    id: row.id,
    webhook_endpoint_id: row.endpoint_id,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: iso(row.created_at),
    completed_at: iso(row.completed_at),
  };
}

/** What `data` holds per event type: the object as its own GET returns it. */
const DATA_OF: Record<EventType, { schema: TSchema; description: string }> = {
  'bulk_request.completed': { schema: BulkRequest, description: 'A bulk request completed (every item has a result). data: the bulk request, without its results (GET it for those).' },
  'bulk_request.failed': { schema: BulkRequest, description: 'A bulk request failed as a whole (a file that could not be used, an interrupted upload, a worker that gave up). data: the bulk request.' },
  'bulk_request.cancelled': { schema: BulkRequest, description: 'A bulk request was cancelled (at once when pending; at its next chunk boundary when processing). data: the bulk request.' },
  'bulk_request.stuck': { schema: BulkRequest, description: 'A processing bulk request made no progress for SLUICE_STUCK_AFTER_MS; once per stuck episode. data: the bulk request (stuck: true).' },
  'import_batch.created': { schema: ImportBatch, description: "An upload's first records were committed and its import batch created. data: the import batch, with the totals of that first chunk." },
  'data_stream.operation.completed': { schema: DataStreamOperation, description: 'A delete or reset of a data stream completed. data: the operation.' },
};

/** A schema as plain JSON with the ids of shared schemas taken out, to be inlined into the document. */
function inline(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$id' ? undefined : value));
}

/**
 * The OpenAPI 3.1 `webhooks` section: one POST per event type, with the envelope and its `data` schema, and
 * the Standard Webhooks headers. Receivers answer 2xx within 15 s; anything else is retried.
 */
export function webhooksDocument(): Record<string, unknown> {
  const header = (description: string) => ({ required: true, schema: { type: 'string' }, description });
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: type,
          description: `${DATA_OF[type].description} Signed per Standard Webhooks: verify webhook-signature over "\${webhook-id}.\${webhook-timestamp}.\${body}" with the endpoint's whsec_ secret (docs/webhooks.md).`,
          parameters: [
            { name: 'webhook-id', in: 'header', ...header('The event id; the same on every retry of the event') },
            { name: 'webhook-timestamp', in: 'header', ...header('Unix seconds of this attempt') },
            { name: 'webhook-signature', in: 'header', ...header('Space-separated v1,<base64 HMAC-SHA256> signatures (two for 24 h after a secret rotation)') },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'event_type', 'timestamp', 'data'],
                  properties: {
                    id: { type: 'string', description: 'evt_<n>, equal to webhook-id' },
                    event_type: { type: 'string', const: type },
                    timestamp: { type: 'string', format: 'date-time' },
                    data: inline(DATA_OF[type].schema),
                  },
                },
              },
            },
          },
          responses: {
            '200': { description: 'Any 2xx within the timeout acknowledges the event; anything else (or nothing) is retried on the schedule' },
          },
        },
      },
    ]),
  );
}
