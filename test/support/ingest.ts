import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.js';

/** A JSON record for bulk requests; amounts are deterministic so sums can be checked. */
export function sampleRecord(stream: string, i: number, extra: Record<string, unknown> = {}) {
  return {
    date: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
    data_stream_key: stream,
    amount: 100 + i,
    direction: i % 3 === 0 ? 'debit' : 'credit',
    description: `Payment ${i}, "quoted"`,
    external_id: `ext-${i}`,
    ...extra,
  };
}

/** What actually landed in a stream: the user's check after any failure. */
export async function landed(store: Store, streamKey: string, environment = 'test') {
  const result = await sql<{ count: number; sum: number | null; distinct_ids: number }>`
    SELECT COUNT(*) AS count, SUM(r.amount) AS sum, COUNT(DISTINCT r.external_id) AS distinct_ids
    FROM records r JOIN data_streams s ON s.id = r.data_stream_id JOIN environments e ON e.id = s.environment_id
    WHERE s.key = ${streamKey} AND e.name = ${environment}
  `.execute(store.db);
  const row = result.rows[0]!;
  return { count: Number(row.count), sum: Number(row.sum ?? 0), distinctIds: Number(row.distinct_ids) };
}

export const sumOfAmounts = (from: number, to: number) => {
  let total = 0;
  for (let i = from; i < to; i++) total += 100 + i;
  return total;
};

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
