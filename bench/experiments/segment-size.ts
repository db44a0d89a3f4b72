// Staging and reading back N CSV-like items in segments of 500, 2,000 and 8,000 items, on both databases:
// `node --import tsx bench/experiments/segment-size.ts [rows]`. Staging is what an upload pays per segment
// (addUploadBatch: one transaction, one row); reading is the engine's chunk reads (1,000 items each) over
// the whole request. docs/decisions.md ("Segments") quotes the numbers.

import { insertBulkRequest, addUploadBatch } from '../../src/bulk/bulk-request.repository.js';
import { itemReader } from '../../src/engine/sql/read-items.js';
import type { StagedItem } from '../../src/engine/segment-codec.js';
import { BACKENDS, openTestStore } from '../../test/support/backends.js';
import { bootstrapIfEmpty } from '../../src/keys/api-key.repository.js';

const rows = Number(process.argv[2] ?? 200_000);
const payload = (i: number) => JSON.stringify([`2026-01-${String((i % 28) + 1).padStart(2, '0')}`, String(100 + i), i % 2 ? 'credit' : 'debit', `Payment ${i} for invoice ${i * 7}`, `ext-${i}`]);

for (const backend of BACKENDS) {
  for (const size of [500, 2000, 8000]) {
    const t = await openTestStore(backend);
    await bootstrapIfEmpty(t.store.db, undefined, Date.now());
    const environmentId = (await t.store.db.selectFrom('environments').select('id').executeTakeFirstOrThrow()).id;
    const { row } = await t.store.db.transaction().execute((trx) =>
      insertBulkRequest(trx, { environmentId, source: 'csv', onConflict: 'skip', dryRun: false, filename: null, dataStreamId: null, idempotencyKey: null, requestHash: null, options: {}, parsing: true, now: Date.now() }),
    );
    const started = performance.now();
    for (let from = 0; from < rows; from += size) {
      const items: StagedItem[] = [];
      for (let i = from; i < Math.min(rows, from + size); i++) items.push({ index: i, rowNumber: i + 2, payload: payload(i) });
      await addUploadBatch(t.store, row.id, items, Date.now());
    }
    const staged = performance.now() - started;
    const reader = itemReader(t.store.db, row.id);
    const readStart = performance.now();
    let n = 0;
    for (let from = 0; ; ) {
      const { items } = await reader.read(from, 1000);
      if (items.length === 0) break;
      n += items.length;
      from = items.at(-1)!.item_index + 1;
    }
    const read = performance.now() - readStart;
    if (n !== rows) throw new Error(`read ${n} of ${rows}`);
    console.log(`${backend}\t${size} items/segment\tstage ${Math.round(staged)} ms (${Math.round(rows / (staged / 1000))} rows/s)\tread ${Math.round(read)} ms`);
    await t.close();
  }
}
