// What the JSON body guard (src/http/json-body.ts: UTF-8 check, depth and number scan, then Fastify's own
// parser) costs against Fastify's parser alone: `node --import tsx bench/experiments/json-body.ts [runs]`.
// Two bare Fastify instances, one route each that answers 204, the same bodies injected into both, in
// alternation; the median per body is printed. docs/performance.md quotes the numbers.

import Fastify from 'fastify';
import { jsonBody } from '../../src/http/json-body.js';

const runs = Number(process.argv[2] ?? 200);

const record = (i: number, metadataBytes: number) => ({
  date: '2026-01-15',
  data_stream_key: 'bench',
  amount: 100 + i,
  direction: i % 2 ? 'credit' : 'debit',
  currency: 'USD',
  description: `Payment ${i} for invoice ${i * 7}`,
  external_id: `ext-${i}`,
  metadata: { note: 'x'.repeat(metadataBytes), n: i, ok: true, nested: { a: [1, 2, 3] } },
});

const bodies = {
  '1,000 records, small metadata': JSON.stringify({ records: Array.from({ length: 1000 }, (_, i) => record(i, 20)) }),
  '1,000 records, 4 KiB metadata each': JSON.stringify({ records: Array.from({ length: 1000 }, (_, i) => record(i, 4096)) }),
};

async function instance(guarded: boolean) {
  const app = Fastify({ bodyLimit: 32 * 1024 * 1024 });
  if (guarded) await app.register(jsonBody);
  app.post('/', async (_request, reply) => reply.status(204).send());
  await app.ready();
  return app;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const plain = await instance(false);
const guarded = await instance(true);
for (const [name, payload] of Object.entries(bodies)) {
  const times = { plain: [] as number[], guarded: [] as number[] };
  for (let i = 0; i < runs + 10; i++) {
    for (const [which, app] of [['plain', plain], ['guarded', guarded]] as const) {
      const start = process.hrtime.bigint();
      const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.statusCode !== 204) throw new Error(`${which}: ${res.statusCode} ${res.body}`);
      if (i >= 10) times[which].push(ms);
    }
  }
  const p = median(times.plain);
  const g = median(times.guarded);
  console.log(`${name} (${(payload.length / 1024).toFixed(0)} KiB): Fastify's parser ${p.toFixed(2)} ms, guarded ${g.toFixed(2)} ms (+${(((g - p) / p) * 100).toFixed(0)}%)`);
}
await plain.close();
await guarded.close();
