import type { Selectable } from 'kysely';
import { iso } from '../http/pagination.js';
import { eventIdOf, type EventType } from './event-types.js';
import type { WebhookEventTable } from './webhook.table.js';

/**
 * The body every attempt sends, End Close's envelope `{id, event_type, timestamp, data}`. `data` is the
 * stored text, spliced in as it is: the bytes signed are the bytes the event was written with.
 */
export function envelopeOf(event: Selectable<WebhookEventTable>): string {
  return `{"id":${JSON.stringify(eventIdOf(event.id))},"event_type":${JSON.stringify(event.event_type)},"timestamp":${JSON.stringify(iso(event.created_at))},"data":${event.data}}`;
}

/** The same envelope as an object, for the API. */
export function envelopeObject(event: Selectable<WebhookEventTable>) {
  return { id: eventIdOf(event.id), event_type: event.event_type as EventType, timestamp: iso(event.created_at), data: JSON.parse(event.data) as Record<string, unknown> };
}
