import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { connect, type Store } from '../../src/db/connect.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/backends.js';
import { waitFor } from '../support/ingest.js';
import { apiOf, assertLandedExactly, CHAOS, Expected, jsonOf, uploadCsv, tearDown } from '../support/faults.js';
import { serve, sluice, type Child, type Server } from '../support/processes.js';

// Twenty clients at once, JSON bulk requests and CSV uploads mixed, on an API process and several worker
// processes; some uploads re-send rows another request already sent (skipped, not doubled). In the chaos
// run one worker is also killed half-way. What landed is the union of what was sent, each row once.

const KEY = 'sk_test_faults_concurrent_0123456789abc';
const WORKERS = CHAOS ? 4 : 3;
const CSV_ROWS = CHAOS ? 20_000 : 3_000;
const ENV = {
  SLUICE_BOOTSTRAP_KEY: KEY,
  SLUICE_CHUNK_SIZE: '500',
  SLUICE_LEASE_MS: '3000',
  SLUICE_HEARTBEAT_MS: '500',
  SLUICE_POLL_MS: '100',
  SLUICE_WORKER_CONCURRENCY: '2',
};

/** The rows of overlapping ranges, each once. */
function union(ranges: Array<[number, number]>): Expected {
  const merged = new Expected();
  const sorted = [...new Set(ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, k) => a + k)))].sort((x, y) => x - y);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    merged.add(sorted[i]!, sorted[j]! + 1);
    i = j + 1;
  }
  return merged;
}

for (const backend of BACKENDS) {
  describe(`20 concurrent mixed requests on ${WORKERS} workers [${backend}]`, { timeout: CHAOS ? 1_200_000 : 240_000 }, () => {
    let database: TestDatabase;
    let store: Store;
    let server: Server;
    const children: Child[] = [];

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({ ...database.env, ...ENV }, ['--no-worker']);
      children.push(server);
      store = await connect(database.connectOptions);
    });
    after(() => tearDown(children, store, database));

    test('every request completes; each stream holds exactly the union of its rows, none twice', async () => {
      const api = apiOf(() => server.url, KEY);
      for (const key of ['json-mixed', 'csv-mixed']) assert.equal((await api.json('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key, name: key }) })).status, 201);
      const workers = Array.from({ length: WORKERS }, () => sluice(['worker'], { ...database.env, ...ENV }));
      children.push(...workers);

      const jsonRanges: Array<[number, number]> = [];
      const csvRanges: Array<[number, number]> = [];
      const sends: Array<Promise<number>> = [];
      for (let k = 0; k < 10; k++) {
        // JSON: 1,000 records each; the last two overlap the first two by half.
        const from = k < 8 ? k * 1000 : (k - 8) * 1000 + 500;
        jsonRanges.push([from, from + 1000]);
        sends.push(
          api.json('/v1/records/bulk', { method: 'POST', body: JSON.stringify({ records: jsonOf('json-mixed', from, from + 1000) }) }).then((res) => {
            assert.equal(res.status, 202, JSON.stringify(res.body));
            return res.body.id as number;
          }),
        );
        // CSV: the last upload re-sends the first one's rows.
        const start = k < 9 ? k * CSV_ROWS : 0;
        csvRanges.push([start, start + CSV_ROWS]);
        sends.push(uploadCsv(api, 'csv-mixed', start, start + CSV_ROWS));
      }
      const ids = await Promise.all(sends);
      assert.equal(new Set(ids).size, 20);

      if (CHAOS) {
        await waitFor('half of the work', async () => {
          const row = await store.db.selectFrom('bulk_requests').select((eb) => eb.fn.sum<number>('processed_items').as('n')).where('id', 'in', ids).executeTakeFirstOrThrow();
          return Number(row.n) >= (10 * 1000 + 10 * CSV_ROWS) / 2;
        }, 600_000, 10);
        workers[0]!.kill('SIGKILL');
      }
      await waitFor('all 20 requests', async () => {
        const rows = await store.db.selectFrom('bulk_requests').select('status').where('id', 'in', ids).execute();
        return rows.every((r) => r.status === 'completed');
      }, CHAOS ? 900_000 : 180_000, 100);

      await assertLandedExactly(store, 'json-mixed', union(jsonRanges));
      await assertLandedExactly(store, 'csv-mixed', union(csvRanges));

      // Every item has one outcome: created, or skipped because another request created that row.
      const totals = await store.db
        .selectFrom('bulk_requests')
        .select((eb) => [eb.fn.sum<number>('total_items').as('total'), eb.fn.sum<number>('successful_items').as('ok'), eb.fn.sum<number>('skipped_items').as('skipped'), eb.fn.sum<number>('failed_items').as('failed')])
        .where('id', 'in', ids)
        .executeTakeFirstOrThrow();
      assert.equal(Number(totals.failed), 0);
      assert.equal(Number(totals.ok) + Number(totals.skipped), Number(totals.total));
      assert.equal(Number(totals.ok), union(jsonRanges).count + union(csvRanges).count, 'created once each');
      const twice = await sql<{ n: number }>`
        SELECT COUNT(*) AS n FROM (
          SELECT bulk_request_id, item_index FROM records WHERE bulk_request_id IN (${sql.join(ids)})
          UNION ALL
          SELECT bulk_request_id, item_index FROM bulk_request_results WHERE bulk_request_id IN (${sql.join(ids)})
        ) x GROUP BY bulk_request_id, item_index HAVING COUNT(*) > 1
      `.execute(store.db);
      assert.equal(twice.rows.length, 0, 'no item has two outcomes');
      if (backend === 'sqlite') {
        const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(store.db);
        assert.deepEqual(integrity.rows, [{ integrity_check: 'ok' }]);
      }
      for (const worker of workers.slice(CHAOS ? 1 : 0)) assert.equal(worker.proc.exitCode, null, worker.output());
    });
  });
}
