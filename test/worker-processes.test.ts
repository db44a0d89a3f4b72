import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Store } from '../src/db/connect.js';
import { addItems, insertBulkRequest } from '../src/bulk/bulk-request.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { landed, sampleRecord, sumOfAmounts, waitFor } from './support/ingest.js';
import { sluice, type Child } from './support/processes.js';

// Real worker processes, killed and paused at bad moments. What must hold afterwards is what a user would
// check: every row sent is present exactly once (count, sum of amounts, distinct external ids).

const WORKER_ENV = {
  SLUICE_CHUNK_SIZE: '250',
  SLUICE_LEASE_MS: '2000',
  SLUICE_HEARTBEAT_MS: '400',
  SLUICE_POLL_MS: '100',
  SLUICE_WORKER_CONCURRENCY: '2',
};

/** A request of `count` items, staged the way a large upload stages them (a JSON request holds 1,000 at most). */
async function stageLargeRequest(store: Store, environmentId: number, stream: string, count: number): Promise<number> {
  const now = Date.now();
  return store.db.transaction().execute(async (trx) => {
    const { row } = await insertBulkRequest(trx, {
      environmentId,
      source: 'bulk_api',
      onConflict: 'skip',
      dryRun: false,
      filename: null,
      dataStreamId: null,
      idempotencyKey: null,
      requestHash: null,
      options: {},
      parsing: true,
      now,
    });
    let from = 0;
    do {
      const items = Array.from({ length: Math.min(5000, count - from) }, (_, k) => ({
        index: from + k,
        rowNumber: null,
        payload: JSON.stringify(sampleRecord(stream, from + k)),
      }));
      from += items.length;
      await addItems(trx, row.id, items, from >= count, now);
    } while (from < count);
    return row.id;
  });
}

async function requestRow(store: Store, id: number) {
  return store.db.selectFrom('bulk_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

for (const backend of BACKENDS) {
  describe(`worker processes [${backend}]`, { timeout: 180_000 }, () => {
    let t: TestApp;
    let environmentId: number;
    const children: Child[] = [];
    const start = (extra: Record<string, string> = {}) => {
      const child = sluice(['worker'], { ...t.database.env, ...WORKER_ENV, ...extra });
      children.push(child);
      return child;
    };

    before(async () => {
      t = await startTestApp(backend);
      environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
    });
    after(async () => {
      for (const child of children) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await t.close();
    });

    test('a worker killed with SIGKILL mid-request: a new worker completes it, every record exactly once', async () => {
      await t.call('POST', '/v1/data_streams', { key: 'killed', name: 'killed' });
      const total = 40_000;
      const id = await stageLargeRequest(t.store, environmentId, 'killed', total);
      const first = start();
      await waitFor('the first worker to be part-way', async () => {
        const row = await requestRow(t.store, id);
        return row.processed_items >= 2_000 && row.processed_items < total;
      }, 60_000, 5);
      first.kill('SIGKILL');
      await first.exited;
      const atKill = await requestRow(t.store, id);
      assert.equal(atKill.status, 'processing', 'the killed worker left its claim behind');
      assert.ok(atKill.processed_items < total, `killed before the end (${atKill.processed_items})`);
      assert.equal((await landed(t.store, 'killed')).count, atKill.successful_items, 'counters match committed rows');

      const second = start();
      await waitFor('completion by the second worker', async () => (await requestRow(t.store, id)).status === 'completed', 120_000, 50);
      const done = await requestRow(t.store, id);
      assert.equal(done.claims, 2, 'taken over once');
      assert.equal(done.processed_items, total);
      assert.equal(done.successful_items, total);
      assert.deepEqual(await landed(t.store, 'killed'), { count: total, sum: sumOfAmounts(0, total), distinctIds: total });
      second.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.output());
    });

    test('SIGTERM: the worker gives its request back and exits 0; the next worker resumes', async () => {
      await t.call('POST', '/v1/data_streams', { key: 'termed', name: 'termed' });
      const total = 30_000;
      const id = await stageLargeRequest(t.store, environmentId, 'termed', total);
      const first = start();
      await waitFor('progress', async () => (await requestRow(t.store, id)).processed_items >= 1_000, 60_000, 5);
      first.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.output());
      const released = await requestRow(t.store, id);
      if (released.status !== 'completed') {
        assert.equal(released.status, 'pending', 'given back, not left processing');
        assert.equal(released.released_claims, 1);
      }
      const second = start();
      await waitFor('completion', async () => (await requestRow(t.store, id)).status === 'completed', 120_000, 50);
      assert.deepEqual(await landed(t.store, 'termed'), { count: total, sum: sumOfAmounts(0, total), distinctIds: total });
      second.kill('SIGTERM');
      await second.exited;
    });

    if (backend === 'postgres') {
      test('two workers on one database: every item processed exactly once', async () => {
        await t.call('POST', '/v1/data_streams', { key: 'shared', name: 'shared' });
        const ids: number[] = [];
        let next = 0;
        for (let r = 0; r < 12; r++) {
          const records = Array.from({ length: 1000 }, () => sampleRecord('shared', next++));
          // Some items repeat an earlier external_id, so conflicts between workers are exercised too.
          for (let k = 0; k < 10; k++) records.push(sampleRecord('shared', r * 1000 + k));
          const res = await t.call('POST', '/v1/records/bulk', { records: records.slice(0, 1000) });
          ids.push(res.body.id);
        }
        ids.push(await stageLargeRequest(t.store, environmentId, 'shared', 0 + 0) /* nothing to do */);
        const big = await stageLargeRequest(t.store, environmentId, 'shared', 20_000);
        ids.push(big);
        const a = start();
        const b = start();
        await waitFor('all done', async () => {
          const rows = await t.store.db.selectFrom('bulk_requests').select('status').where('id', 'in', ids).execute();
          return rows.every((r) => r.status === 'completed');
        }, 120_000, 100);
        // The big request re-sends external ids 0..19,999, which the 12 small ones already created: all skipped.
        const bigRow = await requestRow(t.store, big);
        assert.equal(bigRow.skipped_items + bigRow.successful_items, 20_000);
        const perItem = await sql<{ n: number }>`
          SELECT COUNT(*) AS n FROM (
            SELECT bulk_request_id, item_index FROM records WHERE bulk_request_id IN (${sql.join(ids)})
            UNION ALL
            SELECT bulk_request_id, item_index FROM bulk_request_results WHERE bulk_request_id IN (${sql.join(ids)})
          ) x GROUP BY bulk_request_id, item_index HAVING COUNT(*) > 1
        `.execute(t.store.db);
        assert.equal(perItem.rows.length, 0, 'no item has two outcomes');
        const totals = await t.store.db.selectFrom('bulk_requests').select(['total_items', 'processed_items']).where('id', 'in', ids).execute();
        for (const row of totals) assert.equal(row.processed_items, row.total_items);
        assert.deepEqual(await landed(t.store, 'shared'), { count: 20_000, sum: sumOfAmounts(0, 20_000), distinctIds: 20_000 });
        a.kill('SIGTERM');
        b.kill('SIGTERM');
        await Promise.all([a.exited, b.exited]);
      });

      test('a worker paused past its lease commits nothing after another took over', async () => {
        await t.call('POST', '/v1/data_streams', { key: 'paused', name: 'paused' });
        const total = 40_000;
        const id = await stageLargeRequest(t.store, environmentId, 'paused', total);
        const sleeper = start({ SLUICE_WORKER_CONCURRENCY: '1' });
        await waitFor('progress', async () => (await requestRow(t.store, id)).processed_items >= 2_000, 60_000, 5);
        sleeper.kill('SIGSTOP');
        const frozenAt = await requestRow(t.store, id);
        const rescuer = start({ SLUICE_WORKER_CONCURRENCY: '1' });
        // The rescuer takes over once the sleeper's lease (2 s) has lapsed, then works for a while.
        await waitFor('takeover', async () => (await requestRow(t.store, id)).claims >= 2, 60_000, 50);
        await waitFor('rescuer progress', async () => (await requestRow(t.store, id)).processed_items >= frozenAt.processed_items + 2_000, 60_000, 20);
        sleeper.kill('SIGCONT');
        await waitFor('completion', async () => (await requestRow(t.store, id)).status === 'completed', 120_000, 50);
        // Let the sleeper run on for a moment: whatever it still tries must be refused by the fence.
        await new Promise((r) => setTimeout(r, 1_000));
        const done = await requestRow(t.store, id);
        assert.equal(done.processed_items, total);
        assert.equal(done.successful_items, total);
        assert.deepEqual(await landed(t.store, 'paused'), { count: total, sum: sumOfAmounts(0, total), distinctIds: total });
        sleeper.kill('SIGTERM');
        rescuer.kill('SIGTERM');
        await Promise.all([sleeper.exited, rescuer.exited]);
      });
    }
  });
}
