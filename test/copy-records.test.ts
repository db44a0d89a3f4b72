import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { from as copyFrom } from 'pg-copy-streams';
import { endStalledCopies } from '../src/engine/sql/end-stalled-copies.js';
import { createMetrics } from '../src/metrics.js';
import { Worker } from '../src/engine/worker.js';
import { startTestApp, type TestApp } from './support/app.js';
import { landed, sampleRecord, waitFor } from './support/ingest.js';

// PostgreSQL writes a chunk's new records with COPY (docs/engine.md, "How records are written"): straight
// away while the request meets no taken external id, after one look-up of the taken ones once it has.
// A COPY that meets a taken id fails on the unique index (23505), rolls back to its savepoint, and the chunk
// is redone with INSERT ... ON CONFLICT DO NOTHING. The race it must survive: another writer inserts one of
// the chunk's external ids after the look-up; held open in a transaction of its own, that writer makes the
// COPY wait on the unique index until it commits. SQLite has one writer, so there is no such race there.

type Fallbacks = { no_look_up: number; concurrent_writer: number };
async function fallbacksOf(metrics: ReturnType<typeof createMetrics>): Promise<Fallbacks> {
  const counts: Fallbacks = { no_look_up: 0, concurrent_writer: 0 };
  for (const v of (await metrics.copyFallbacks.get()).values) counts[v.labels.reason as keyof Fallbacks] = v.value;
  return counts;
}

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
    // ext-10 exists: the first chunk meets it, so the second (ext-50..99) is looked up before its COPY.
    const existing = await t.call('POST', '/v1/records', sampleRecord('race', 10));
    assert.equal(existing.status, 201);
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

      assert.deepEqual(await fallbacksOf(metrics), { no_look_up: 1, concurrent_writer: 1 }, 'the first chunk met ext-10 unlooked; the second met the rival after its look-up');
      const request = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=200`)).body;
      assert.equal(request.status, 'completed');
      assert.deepEqual([request.successful_items, request.skipped_items, request.failed_items], [118, 2, 0]);
      const skipped = request.results.data.filter((r: { status: string }) => r.status === 'skipped');
      assert.deepEqual(skipped.map((r: { index: number; record_id: number }) => [r.index, r.record_id]), [[10, existing.body.id], [70, rivalId]]);
      const got = await landed(t.store, 'race');
      assert.deepEqual([got.count, got.distinctIds], [120, 120]);
    } finally {
      rival.release();
    }
  });

  test('external ids that exist before the request: the first chunk falls back once, the next is looked up first', async () => {
    await stream('pre');
    const one = await t.call('POST', '/v1/records', sampleRecord('pre', 3));
    assert.equal(one.status, 201);
    const records = Array.from({ length: 60 }, (_, i) => sampleRecord('pre', i));
    records.push(sampleRecord('pre', 10)); // SPEC 17: repeats an earlier item of the same request
    const res = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'error' });
    assert.equal(res.status, 202);
    const metrics = createMetrics();
    await new Worker(t.store, t.config.engine, { metrics }).drain();
    assert.deepEqual(await fallbacksOf(metrics), { no_look_up: 1, concurrent_writer: 0 });
    const request = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=100`)).body;
    assert.deepEqual([request.successful_items, request.failed_items], [59, 2]);
    const failed = request.results.data.filter((r: { status: string }) => r.status === 'failed');
    assert.deepEqual(failed.map((r: { index: number; error_code: string }) => [r.index, r.error_code]), [[3, 'duplicate_external_id'], [60, 'duplicate_external_id']]);
    assert.equal(failed[0].record_id, one.body.id);
    const got = await landed(t.store, 'pre');
    assert.deepEqual([got.count, got.distinctIds], [60, 60]);
  });

  test('a new file meets no taken id: every chunk is COPYed without a look-up; an item repeating a COPYed one gets its record id', async () => {
    await stream('fresh');
    const records = Array.from({ length: 130 }, (_, i) => sampleRecord('fresh', i));
    records.push(sampleRecord('fresh', 120)); // repeats an item of the same (third) chunk, written by COPY
    const res = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'skip' });
    assert.equal(res.status, 202);
    const metrics = createMetrics();
    await new Worker(t.store, t.config.engine, { metrics }).drain();
    assert.deepEqual(await fallbacksOf(metrics), { no_look_up: 0, concurrent_writer: 0 });
    const request = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?limit=200`)).body;
    assert.deepEqual([request.status, request.successful_items, request.skipped_items], ['completed', 130, 1]);
    const repeated = request.results.data.find((r: { index: number }) => r.index === 130);
    const original = (await t.call('GET', '/v1/records?data_stream_key=fresh&external_id=ext-120')).body.data[0];
    assert.deepEqual([repeated.status, repeated.record_id], ['skipped', original.id]);
    // Ids follow item order within the request (the request's records list relies on it).
    const byIndex = (await t.call('GET', `/v1/records?bulk_request_id=${res.body.id}&limit=200`)).body.data as Array<{ id: number }>;
    assert.equal(byIndex.length, 130);
    for (let i = 1; i < byIndex.length; i++) assert.ok(byIndex[i - 1]!.id > byIndex[i]!.id, 'newest item first has the highest id');
  });

  test('the same records sent again under skip: one fallback, then look-ups; every item skipped with its record', async () => {
    await stream('again');
    const records = Array.from({ length: 160 }, (_, i) => sampleRecord('again', i));
    const first = await t.call('POST', '/v1/records/bulk', { records });
    await new Worker(t.store, t.config.engine).drain();
    const second = await t.call('POST', '/v1/records/bulk', { records, on_conflict: 'skip' });
    assert.equal(second.status, 202);
    const metrics = createMetrics();
    await new Worker(t.store, t.config.engine, { metrics }).drain();
    assert.deepEqual(await fallbacksOf(metrics), { no_look_up: 1, concurrent_writer: 0 });
    const request = (await t.call('GET', `/v1/bulk_requests/${second.body.id}?limit=200`)).body;
    assert.deepEqual([request.status, request.successful_items, request.skipped_items], ['completed', 0, 160]);
    const created = (await t.call('GET', `/v1/bulk_requests/${first.body.id}?limit=200`)).body.results.data as Array<{ index: number; record_id: number }>;
    assert.deepEqual(
      request.results.data.map((r: { index: number; record_id: number }) => [r.index, r.record_id]),
      created.map((r) => [r.index, r.record_id]),
    );
    const got = await landed(t.store, 'again');
    assert.deepEqual([got.count, got.distinctIds], [160, 160]);
  });

  test('a COPY left open by a frozen worker is ended by the sweep, and its locks go with it; a live one is left alone', async () => {
    if (t.store.raw.kind !== 'postgres') throw new Error('postgres only');
    const pool = t.store.raw.pool;
    await stream('frozen');
    const request = (await t.call('POST', '/v1/records/bulk', { records: [sampleRecord('frozen', 0)] })).body.id as number;
    // The frozen worker: its chunk transaction holds the request's fence lock, and its COPY has sent half a row.
    const frozen = await pool.connect();
    frozen.on('error', () => {});
    const pid = Number((await frozen.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    await frozen.query('BEGIN');
    await frozen.query('SELECT id FROM bulk_requests WHERE id = $1 FOR UPDATE', [request]);
    const copy = frozen.query(copyFrom(`COPY records (environment_id, data_stream_id, external_id, date, amount, direction, currency, description,
  metadata, source, bulk_request_id, item_index, import_batch_id, created_at, updated_at) FROM STDIN`));
    copy.on('error', () => {});
    copy.write('1\t1\tfrozen-');
    try {
      await waitFor('the COPY to wait for its client', async () => {
        const r = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'ClientRead' AND query LIKE 'COPY records (%'`, [pid]);
        return (r.rowCount ?? 0) > 0;
      });
      assert.deepEqual(await endStalledCopies(t.store.db, 60_000), [], 'not stalled for long enough: left alone');
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(await endStalledCopies(t.store.db, 500), [pid]);
      // Its lock is gone: another worker's fence read gets the row at once.
      const rescuer = await pool.connect();
      try {
        await waitFor('the ended session to release its lock', async () => {
          await rescuer.query('BEGIN');
          try {
            await rescuer.query('SELECT id FROM bulk_requests WHERE id = $1 FOR UPDATE NOWAIT', [request]);
            return true;
          } catch {
            return false;
          } finally {
            await rescuer.query('ROLLBACK');
          }
        });
      } finally {
        rescuer.release();
      }
    } finally {
      copy.destroy();
      frozen.release(true);
    }
  });
});
