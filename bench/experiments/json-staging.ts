// What POST /v1/records/bulk does per item on the API thread before its one transaction, for a parsed
// 1,000-record body: `node --import tsx bench/experiments/json-staging.ts [runs]`. Prints the median of each
// step: the payloads and their segment (what is staged), and the idempotency hash (only with a key).

import { encodeSegment } from '../../src/engine/segment-codec.js';
import { requestHash } from '../../src/bulk/idempotency.js';

const runs = Number(process.argv[2] ?? 200);
const record = (i: number) => ({
  date: '2026-01-15', data_stream_key: 'bench', amount: 100 + i, direction: i % 2 ? 'credit' : 'debit', currency: 'USD',
  description: `Payment ${i} for invoice ${i * 7}`, external_id: `ext-${i}`, metadata: { note: 'x'.repeat(20), n: i, ok: true },
});
const body = JSON.stringify({ records: Array.from({ length: 1000 }, (_, i) => record(i)) });

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times: Record<string, number[]> = { 'JSON.parse (Fastify)': [], 'payloads + segment': [], 'idempotency hash': [] };
for (let r = 0; r < runs; r++) {
  let t = performance.now();
  const parsed = JSON.parse(body) as { records: unknown[] };
  times['JSON.parse (Fastify)']!.push(performance.now() - t);
  t = performance.now();
  encodeSegment(parsed.records.map((rec, index) => ({ index, rowNumber: null, payload: JSON.stringify(rec) })));
  times['payloads + segment']!.push(performance.now() - t);
  t = performance.now();
  requestHash({ records: parsed.records, on_conflict: 'skip', dry_run: false });
  times['idempotency hash']!.push(performance.now() - t);
}
for (const [step, xs] of Object.entries(times)) console.log(`${step}\t${median(xs).toFixed(2)} ms`);
