import { CliError } from '../context.js';
import { describeServer, isFinal, request, type BulkRequestView, type Connection } from './api.js';
import { serverEvents } from './event-stream.js';
import { progressBar, type Bar } from './progress.js';

/** Reconnections in a row (without an event between them) before `watch` gives up on a dropped stream. */
const MAX_RECONNECTS = 10;
const RECONNECT_DELAY_MS = 1000;

/**
 * Follows a bulk request until it ends, drawing the processing bar; returns its final state. It listens to
 * the server's event stream (GET /v1/bulk_requests/{id}/events, docs/live-updates.md), resuming with
 * Last-Event-ID when the connection drops, and polls only a server that answers that route with 404
 * route_not_found (an older Sluice).
 */
export async function watchRequest(conn: Connection, id: number, options: { intervalMs?: number; bar?: boolean } = {}): Promise<BulkRequestView> {
  const bar = progressBar(options.bar);
  try {
    const streamed = await followEvents(conn, id, bar);
    if (!streamed) return await poll(conn, id, bar, options.intervalMs ?? 500);
    // The events carry the request as the list shows it; the answer is the request as GET shows it (with the
    // first result), as it always was: `--json` prints the same document whichever way the end was learnt.
    return (await request<BulkRequestView>(conn, `/v1/bulk_requests/${id}?limit=1`)).body;
  } finally {
    bar.finish();
  }
}

function draw(bar: Bar, view: BulkRequestView): void {
  const label = view.parsing
    ? 'receiving'
    : `${view.processed_items}/${view.total_items} processed, ${view.failed_items} failed, ${view.skipped_items} skipped${view.stuck ? ' (stuck)' : ''}`;
  bar.update(view.processed_items, view.total_items, label);
}

async function poll(conn: Connection, id: number, bar: Bar, intervalMs: number): Promise<BulkRequestView> {
  for (;;) {
    const { body } = await request<BulkRequestView>(conn, `/v1/bulk_requests/${id}?limit=1`);
    draw(bar, body);
    if (isFinal(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The final state from the event stream; undefined when the server has no such route. */
async function followEvents(conn: Connection, id: number, bar: Bar): Promise<BulkRequestView | undefined> {
  let lastEventId: string | undefined;
  let failures = 0;
  for (;;) {
    let response: Response | undefined;
    try {
      response = await fetch(`${conn.base}/v1/bulk_requests/${id}/events`, {
        headers: { 'x-api-key': conn.apiKey, accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) },
      });
    } catch (error) {
      if (++failures > MAX_RECONNECTS) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new CliError(`cannot reach Sluice at ${describeServer(conn.base)} (${cause})`);
      }
    }
    if (response) {
      if (response.status !== 200) {
        const text = await response.text();
        let error: { error?: string; message?: string } | undefined;
        try {
          error = JSON.parse(text) as typeof error;
        } catch {
          // not JSON
        }
        if (response.status === 404 && error?.error === 'route_not_found') return undefined;
        // A server at its stream limit, or restarting: wait and try again, like a dropped stream.
        if (response.status !== 503 || ++failures > MAX_RECONNECTS) {
          throw new CliError(`${response.status} ${error?.error ?? ''}: ${error?.message ?? text.slice(0, 200)}`.replace(' : ', ': '));
        }
      } else if (response.body) {
        try {
          for await (const event of serverEvents(response.body)) {
            failures = 0;
            lastEventId = event.id ?? lastEventId;
            const view = JSON.parse(event.data) as BulkRequestView;
            draw(bar, view);
            if (event.event !== 'progress' && isFinal(view.status)) return view;
          }
        } catch {
          // The connection dropped mid-stream: resume below.
        }
        // Ended without a final event (the server restarted): resume from the last event.
        if (++failures > MAX_RECONNECTS) throw new CliError(`the event stream of bulk request ${id} keeps ending early at ${describeServer(conn.base)}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
  }
}

/** The summary a person reads at the end; the exit code says the same to a script. */
export function summarize(conn: Connection, view: BulkRequestView): { lines: string[]; exitCode: number } {
  const lines = [
    `Bulk request ${view.id}${view.filename ? ` (${view.filename})` : ''}: ${view.status}`,
    `  items: ${view.total_items} total, ${view.successful_items} successful, ${view.failed_items} failed, ${view.skipped_items} skipped`,
  ];
  if (view.error_message) lines.push(`  error: ${view.error_message}`);
  for (const e of view.error_details?.errors?.slice(0, 10) ?? []) {
    lines.push(`    line ${e.line ?? '-'}${e.field ? ` ${e.field}` : ''}: ${e.code}: ${e.message}`);
  }
  const more = (view.error_details?.error_count ?? 0) - Math.min(10, view.error_details?.errors?.length ?? 0);
  if (more > 0) lines.push(`    ... and ${more} more`);
  const warnings = view.source_details?.warnings ?? [];
  const warningCount = view.source_details?.warning_count ?? warnings.length;
  if (warningCount > 0) {
    lines.push(`  warnings: ${warningCount} (the file was accepted with them; --strict rejects them)`);
    for (const w of warnings.slice(0, 10)) lines.push(`    line ${w.line ?? '-'}${w.field ? ` ${w.field}` : ''}: ${w.code}: ${w.message}`);
    if (warningCount > Math.min(10, warnings.length)) lines.push(`    ... and ${warningCount - Math.min(10, warnings.length)} more`);
  }
  if (view.failed_items > 0) {
    lines.push(`  failed rows: ${conn.base}/v1/bulk_requests/${view.id}/failed_rows.csv`);
    lines.push(`    curl -H "X-API-KEY: $SLUICE_API_KEY" ${conn.base}/v1/bulk_requests/${view.id}/failed_rows.csv -o failed_rows.csv`);
  }
  const exitCode = view.status !== 'completed' ? 1 : view.failed_items > 0 ? 3 : 0;
  return { lines, exitCode };
}
