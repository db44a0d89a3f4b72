import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMetrics } from '../src/metrics.js';
import { Worker } from '../src/engine/worker.js';
import { startTestApp, type TestApp } from './support/app.js';
import { landed, sampleRecord, waitFor } from './support/ingest.js';

// PostgreSQL writes a chunk's new records with COPY after one look-up of the external ids already taken
// (docs/engine.md). The race it must survive: another writer inserts one of those external ids after the
// look-up. Held open in a transaction of its own, that writer makes the engine's COPY wait on the unique
// index; once it commits, the COPY fails (23505), the chunk rolls back to its savepoint and is redone with
// INSERT ... ON CONFLICT DO NOTHING. SQLite has one writer, so there is no such race to test there.

describe('COPY of records [postgres]', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('postgres', { SLUICE_CHUNK_SIZE: '50' });
  });
  after(async () => {
    await t.close();
  });

  async function stream(key: string) {
    assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
  }

  test('an external id taken by a concurrent writer during the COPY: chunk redone with INSERT, every id exactly once, counts right', async () => {
    if (t.store.raw.kind !== 'postgres') throw new Error('postgres only');
    await stream('race');
    const records = Array.from({ length: 120 }, (_, i) => sampleRecord('race', i));
    const res = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'skip' });
    assert.equal(res.status, 202);

    // The concurrent writer: a record with ext-70 (second chunk), uncommitted until the COPY waits for it.
    const rival = await t.store.raw.pool.connect();
    try {
      await rival.query('BEGIN');
      const inserted = await rival.query<{ id: number }>(
        `INSERT INTO records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description, metadata, source, created_at, updated_at)
         SELECT s.environment_id, s.id, 'ext-70', '2026-01-01', 5, 'credit', 'USD', NULL, '{}', 'api', 0, 0 FROM data_streams s WHERE s.key = 'race'
         RETURNING id`,
      );
      const rivalId = Number(inserted.rows[0]!.id);

      const metrics = createMetrics();
      const worker = new Worker(t.store, t.config.engine, { metrics });
      const drained = worker.drain();
      await waitFor('the COPY to wait for the rival transaction', async () => {
        // Not on the rival's connection: inside a transaction pg_stat_activity is read once and kept.
        const pool = t.store.raw.kind === 'postgres' ? t.store.raw.pool : undefined;
        const waiting = await pool?.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY records%'`);
        return (waiting?.rowCount ?? 0) > 0;
      });
      await rival.query('COMMIT');
      await drained;

      const fallbacks = (await metrics.copyFallbacks.get()).values[0]?.value ?? 0;
      assert.equal(fallbacks, 1, 'exactly one chunk redone with INSERT');
      const request = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=200`)).body;
      assert.equal(request.status, 'completed');
      assert.deepEqual([request.successful_items, request.skipped_items, request.failed_items], [119, 1, 0]);
      const skipped = request.results.data.filter((r: { status: string }) => r.status === 'skipped');
      assert.deepEqual(skipped.map((r: { index: number; record_id: number }) => [r.index, r.record_id]), [[70, rivalId]]);
      const got = await landed(t.store, 'race');
      assert.deepEqual([got.count, got.distinctIds], [120, 120]);
    } finally {
      rival.release();
    }
  });

  test('external ids that exist before the chunk are found by the look-up: skipped or failed as before, no fallback', async () => {
    await stream('pre');
    const one = await t.call('POST', '/v1/records', sampleRecord('pre', 3));
    assert.equal(one.status, 201);
    const records = Array.from({ length: 60 }, (_, i) => sampleRecord('pre', i));
    records.push(sampleRecord('pre', 10)); // SPEC 17: repeats an earlier item of the same request
    const res = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'error' });
    assert.equal(res.status, 202);
    const metrics = createMetrics();
    await new Worker(t.store, t.config.engine, { metrics }).drain();
    assert.equal((await metrics.copyFallbacks.get()).values[0]?.value ?? 0, 0);
    const request = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=100`)).body;
    assert.deepEqual([request.successful_items, request.failed_items], [59, 2]);
    const failed = request.results.data.filter((r: { status: string }) => r.status === 'failed');
    assert.deepEqual(failed.map((r: { index: number; error_code: string }) => [r.index, r.error_code]), [[3, 'duplicate_external_id'], [60, 'duplicate_external_id']]);
    assert.equal(failed[0].record_id, one.body.id);
    const got = await landed(t.store, 'pre');
    assert.deepEqual([got.count, got.distinctIds], [60, 60]);
  });
});
