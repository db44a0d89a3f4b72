// The event types an endpoint can subscribe to, as src/webhooks/event-types.ts names them (a test in
// test/dashboard-modules.test.ts holds the two lists equal). No imports: it runs in Node for that test.
export const EVENT_TYPES = [
  'bulk_request.completed',
  'bulk_request.failed',
  'bulk_request.cancelled',
  'bulk_request.stuck',
  'import_batch.created',
  'data_stream.operation.completed',
];

/** ["*"] or a list → what a table cell says. */
export function describeEvents(enabled) {
  return !enabled || enabled.includes('*') ? 'all' : enabled.join(', ');
}

/** The checkboxes' state → the API's `enabled_events` (every box ticked, or none, means all, "*"). */
export function enabledEventsFrom(all, picked) {
  if (all || picked.length === 0 || picked.length === EVENT_TYPES.length) return ['*'];
  return EVENT_TYPES.filter((t) => picked.includes(t));
}
