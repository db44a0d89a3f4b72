import { isFinal, request, type BulkRequestView, type Connection } from './api.js';
import { progressBar } from './progress.js';

/** Polls a bulk request until it ends, drawing the processing bar; returns its final state. */
export async function watchRequest(conn: Connection, id: number, options: { intervalMs?: number; bar?: boolean } = {}): Promise<BulkRequestView> {
  const bar = progressBar(options.bar);
  const interval = options.intervalMs ?? 500;
  try {
    for (;;) {
      const { body } = await request<BulkRequestView>(conn, `/v1/bulk_requests/${id}?limit=1`);
      const label = body.parsing
        ? 'receiving'
        : `${body.processed_items}/${body.total_items} processed, ${body.failed_items} failed, ${body.skipped_items} skipped${body.stuck ? ' (stuck)' : ''}`;
      bar.update(body.processed_items, body.total_items, label);
      if (isFinal(body.status)) return body;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  } finally {
    bar.finish();
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
