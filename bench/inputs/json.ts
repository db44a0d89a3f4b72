// JSON bulk requests: batch b holds rows [b * size, (b + 1) * size) of benchRow, as POST /v1/records/bulk
// bodies. Built when a client is about to send it, so 500 bodies are never in memory at once.

import { benchRow } from './rows.js';

export const JSON_PREFIX = 'json';

export function jsonBatchBody(batch: number, size: number, total: number, streamKey: string): string {
  const records = [];
  for (let i = batch * size; i < Math.min(total, (batch + 1) * size); i++) {
    const row = benchRow(i, JSON_PREFIX);
    records.push({
      data_stream_key: streamKey,
      date: row.date,
      amount: row.amount,
      direction: row.direction,
      currency: 'USD',
      description: row.description,
      external_id: row.externalId,
    });
  }
  return JSON.stringify({ records, on_conflict: 'skip' });
}
