// What a status read of a BAI2 upload spends on its answer: `node --import tsx
// bench/experiments/source-details-answer.ts`. Uploads a 50,000-detail BAI2 file of the bench's shape
// (500 accounts, so source_details lists 200 accounts' balances) into a test app, then builds the status
// read's answer 500 times each way: source_details parsed from its stored text and serialized again (as
// every answer did), and the stored text spliced in (as the status read does now); then a list page of 50
// such requests (GET /v1/bulk_requests) and one live event the same two ways. docs/performance.md §6
// quotes the numbers.

import fastJson from 'fast-json-stringify';
import { BulkRequest, bulkRequestJson, bulkRequestPageSerializer, serializeBulkRequest, bulkRequestWithResultsSerializer } from '../../src/bulk/bulk-request.schemas.js';
import { CursorPage } from '../../src/http/schemas.js';
import { writeBai2File } from '../inputs/bai2.js';
import { startTestApp } from '../../test/support/app.js';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const t = await startTestApp('sqlite');
const path = join(tmpdir(), 'sluice-source-details.bai2');
await writeBai2File(path, 50_000, 100);
await t.call('POST', '/v1/data_streams', { key: 's', name: 's' });
const res = await t.app.inject({ method: 'POST', url: '/v1/data_streams/s/uploads', headers: { 'x-api-key': t.key, 'content-type': 'text/plain' }, payload: readFileSync(path) });
const id = JSON.parse(res.body).id;
const row = await t.store.db.selectFrom('bulk_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
await t.close();
const ser = bulkRequestWithResultsSerializer();
const results = { data: [], has_more: false, offset: 0 };
const pageAsBefore = fastJson(CursorPage(BulkRequest) as object);
const pageNow = bulkRequestPageSerializer();
const fifty = Array.from({ length: 50 }, (_, i) => ({ ...row, id: row.id + i }));
// The two ways must give the same bytes, or the comparison means nothing.
if (pageAsBefore({ data: fifty.map((r) => serializeBulkRequest(r, 0, 1e9)), next_cursor: 'c', limit: 50 }) !== pageNow({ data: fifty.map((r) => serializeBulkRequest(r, 0, 1e9, { sourceDetails: 'text' })), next_cursor: 'c', limit: 50 })) throw new Error('the list pages differ');
if (JSON.stringify(serializeBulkRequest(row, 0, 1e9)) !== bulkRequestJson(row, 0, 1e9)) throw new Error('the live events differ');
for (const round of [1, 2]) {
  for (const [name, f] of [
    ['parse + serialize', () => ser({ ...serializeBulkRequest(row, Date.now(), 1e9), results } as never)],
    ['splice', () => ser({ ...serializeBulkRequest(row, Date.now(), 1e9, { sourceDetails: 'text' }), results } as never)],
    ['list of 50, parse + serialize', () => pageAsBefore({ data: fifty.map((r) => serializeBulkRequest(r, Date.now(), 1e9)), next_cursor: 'c', limit: 50 })],
    ['list of 50, splice', () => pageNow({ data: fifty.map((r) => serializeBulkRequest(r, Date.now(), 1e9, { sourceDetails: 'text' })), next_cursor: 'c', limit: 50 })],
    ['live event, parse + serialize', () => JSON.stringify(serializeBulkRequest(row, Date.now(), 1e9))],
    ['live event, splice', () => bulkRequestJson(row, Date.now(), 1e9)],
  ] as const) {
    const t0 = performance.now();
    let n = 0;
    const times = name.startsWith('list') ? 50 : 500;
    for (let i = 0; i < times; i++) n += f().length;
    console.log(round, name, ((performance.now() - t0) / times).toFixed(3), 'ms', n / times);
  }
}
