/** Every event type Sluice sends (docs/webhooks.md). An endpoint subscribes to some of them, or to all. */
export const EVENT_TYPES = [
  'bulk_request.completed',
  'bulk_request.failed',
  'bulk_request.cancelled',
  'bulk_request.stuck',
  'import_batch.created',
  'data_stream.operation.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The envelope's `id` (and the `webhook-id` header): a string, as End Close's WebhookEvent has it. */
export function eventIdOf(id: number): string {
  return `evt_${id}`;
}

/** `evt_42` or `42` -> 42; anything else names no event. */
export function parseEventId(raw: string): number | undefined {
  const match = /^(?:evt_)?(\d{1,15})$/.exec(raw);
  if (!match) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
