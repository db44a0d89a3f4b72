// `json`: `clients` concurrent clients post bulk requests of `batch` records each (the API's maximum is
// 1,000) until every record is sent, then wait until no request of the stream is pending or processing.
// Timed from the first post to that moment. The sampler watches the newest request at each point.

import { jsonBatchBody } from '../inputs/json.js';
import type { ExpectedTotals } from '../inputs/rows.js';
import type { Backend } from '../support/databases.js';
import { checkBulkRequests, checkRecords, streamId } from '../support/verify.js';
import { deadlineMs, measureIngest, round, STREAM, waitUntilDrained } from './harness.js';
import type { RunOptions } from './types.js';

export function jsonScenario(backend: Backend, totals: ExpectedTotals, options: RunOptions) {
  const { jsonBatch: size, jsonClients: clients } = options.sizes;
  const total = totals.rows;
  const requests = Math.ceil(total / size);
  return measureIngest('json', backend, options, async (env) => {
    let next = 0;
    let newest = 0;
    const started = performance.now();
    const client = async () => {
      for (let batch = next++; batch < requests; batch = next++) {
        const res = await env.api.call('POST', '/v1/records/bulk', jsonBatchBody(batch, size, total, STREAM));
        if (res.status !== 202) throw new Error(`POST /v1/records/bulk answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
        const id = res.body.id as number;
        if (id > newest) {
          newest = id;
          env.sampler.watch(id);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    const posted = performance.now();

    await waitUntilDrained(env.api, deadlineMs(total), STREAM);
    const done = performance.now();
    const stream = await streamId(env.sql, STREAM);
    const checks = [...(await checkBulkRequests(env.sql, stream, requests, totals)), ...(await checkRecords(env.sql, stream, totals))];
    return {
      rows: total,
      seconds: (done - started) / 1000,
      phases: { postSeconds: round((posted - started) / 1000), drainSeconds: round((done - posted) / 1000) },
      checks,
    };
  });
}
