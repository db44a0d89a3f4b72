// `scaleout` (PostgreSQL only): `uploads` CSV files uploaded at once into one stream, against
// `sluice serve --no-worker` (API only) and `workers` `sluice worker` processes that share the database,
// as a scaled-out deployment runs. Timed from the first byte of the first upload to the moment no request
// is pending or processing. The files are consecutive slices of one row set (file k holds rows
// k × perFile …), so together they are the same rows the reference loads with one COPY. run.ts runs it once
// per worker count (--workers 1,2,4) on a fresh database each time; throughput should not fall as workers
// are added, and the activity sampler says what limits it when it does not rise.

import { randomBytes } from 'node:crypto';
import type { ExpectedTotals } from '../inputs/rows.js';
import { ActivitySampler } from '../support/activity.js';
import type { Sql } from '../support/databases.js';
import { check, checkRecords, streamId, type Check } from '../support/verify.js';
import { deadlineMs, measureIngest, postUpload, round, STREAM, waitUntilDrained, type Api } from './harness.js';
import type { RunOptions, ScenarioResult } from './types.js';

export interface ScaleoutInput {
  files: string[];
  /** Each file's own totals, in file order. */
  perFile: ExpectedTotals[];
  /** All files together. */
  totals: ExpectedTotals;
}

/** Every upload's request completed with all its items, its import batch and its records adding up to its file. */
async function checkUploads(sql: Sql, api: Api, ids: number[], perFile: ExpectedTotals[]): Promise<Check[]> {
  const checks: Check[] = [];
  const perRequest = new Map(
    (await sql.all<{ bulk_request_id: number; n: number }>('SELECT bulk_request_id, count(*) AS n FROM records WHERE bulk_request_id IN (' + ids.map(() => '?').join(', ') + ') GROUP BY bulk_request_id', ids)).map((r) => [Number(r.bulk_request_id), Number(r.n)]),
  );
  for (const [k, id] of ids.entries()) {
    const expected = perFile[k]!;
    const final = (await api.call('GET', `/v1/bulk_requests/${id}`)).body;
    const [batch] = await sql.all<Record<string, number>>('SELECT record_count, total_credits, total_debits FROM import_batches WHERE bulk_request_id = ?', [id]);
    checks.push(
      check(`upload ${k}: status`, 'completed', final.status),
      check(`upload ${k}: total_items`, expected.rows, final.total_items),
      check(`upload ${k}: successful_items`, expected.rows, final.successful_items),
      check(`upload ${k}: failed + skipped items`, 0, Number(final.failed_items) + Number(final.skipped_items)),
      check(`upload ${k}: records`, expected.rows, perRequest.get(id) ?? 0),
      check(`upload ${k}: import batch record_count`, expected.rows, batch ? Number(batch.record_count) : null),
      check(`upload ${k}: import batch total_credits`, expected.credits, batch ? Number(batch.total_credits) : null),
      check(`upload ${k}: import batch total_debits`, expected.debits, batch ? Number(batch.total_debits) : null),
    );
  }
  return checks;
}

export async function scaleoutScenario(workers: number, input: ScaleoutInput, options: RunOptions): Promise<Omit<ScenarioResult, 'reference' | 'ratio'>> {
  const applicationName = `sluice_bench_${randomBytes(4).toString('hex')}`;
  const result = await measureIngest(
    'scaleout',
    'postgres',
    options,
    async (env) => {
      const activity = await ActivitySampler.start(applicationName, env.server.pid, env.workers.map((w) => w.pid));
      let summary: Awaited<ReturnType<ActivitySampler['stop']>> | undefined;
      try {
        const started = performance.now();
        let lastAccepted = started;
        const ids = await Promise.all(
          input.files.map(async (file, k) => {
            const id = await postUpload(env.api.url, file, 'text/csv', `bench-${k}.csv`);
            lastAccepted = performance.now();
            // The newest request accepted: it is the one still in the engine's hands the longest.
            env.sampler.watch(id);
            return id;
          }),
        );
        await waitUntilDrained(env.api, deadlineMs(input.totals.rows));
        const done = performance.now();
        summary = await activity.stop();
        const stream = await streamId(env.sql, STREAM);
        const checks = [
          check('bulk requests', input.files.length, new Set(ids).size),
          ...(await checkUploads(env.sql, env.api, ids, input.perFile)),
          ...(await checkRecords(env.sql, stream, input.totals)),
        ];
        return {
          rows: input.totals.rows,
          seconds: (done - started) / 1000,
          phases: { uploadSeconds: round((lastAccepted - started) / 1000), processSeconds: round((done - lastAccepted) / 1000) },
          checks,
          activity: summary,
        };
      } finally {
        if (!summary) await activity.stop().catch(() => {});
      }
    },
    { embeddedWorker: false, workers, applicationName },
  );
  return { ...result, variant: `${workers} worker${workers === 1 ? '' : 's'}` };
}
