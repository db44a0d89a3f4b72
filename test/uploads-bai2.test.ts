// BAI2 uploads through the real HTTP interface, on both databases: every valid file of the shared corpus
// imports with its own account and file control totals reproduced from the records; the invalid file is
// refused with a located error and creates nothing; the same file twice dedups under skip, two files
// never collide; detection, dry runs, relaxations, failed rows.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS_BY_STAGING, stagingLabel } from './support/backends.js';
import { bai2AccountNumbers, declaredBai2 } from './support/bai2-oracle.js';
import { hasTestdata, TESTDATA_ROOT } from './support/shared.js';
import { writeBai2, type FileModel } from './bai2/writer.js';

const BAI2 = join(TESTDATA_ROOT, 'bai2');
/** The metadata docs/bai2.md lists for a BAI2 record; anything else could be a leak. */
const METADATA_KEYS = new Set(['type_code', 'bank_reference', 'customer_reference', 'funds_type', 'value_date', 'account_last4', 'originator_id', 'ultimate_receiver_id', 'group_sequence', 'account_sequence']);
const skip = hasTestdata() ? false : `testdata not found at ${TESTDATA_ROOT} (set SLUICE_TESTDATA)`;
const files = (dir: string) => (hasTestdata() ? readdirSync(join(BAI2, dir)).filter((f) => !f.startsWith('.')).sort() : []);

async function upload(t: TestApp, stream: string, body: Buffer | string, query = '', contentType = 'text/plain') {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/data_streams/${stream}/uploads${query}`,
    headers: { 'x-api-key': t.key, 'content-type': contentType },
    payload: body,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

async function completed(t: TestApp, id: number) {
  await t.drain();
  return (await t.call('GET', `/v1/bulk_requests/${id}`)).body;
}

interface StoredRecord {
  amount: number;
  direction: string;
  currency: string;
  metadata: string;
  external_id: string;
}

async function stored(t: TestApp, bulkRequestId: number): Promise<StoredRecord[]> {
  const rows = await sql<StoredRecord>`SELECT amount, direction, currency, metadata, external_id FROM records WHERE bulk_request_id = ${bulkRequestId}`.execute(t.store.db);
  return rows.rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

function model(fileId: string, amounts: number[]): FileModel {
  return {
    senderId: '122099999',
    receiverId: '123456789',
    creationDate: '250301',
    creationTime: '0800',
    fileId,
    groups: [
      {
        ultimateReceiverId: '123456789',
        originatorId: '122099999',
        groupStatus: '1',
        asOfDate: '250228',
        asOfTime: '2400',
        currency: 'USD',
        accounts: [
          {
            accountNumber: '000123456789',
            currency: '',
            summaries: [{ typeCode: '010', amount: '+100000', itemCount: '', funds: { code: '' } }],
            details: amounts.map((a, i) => ({ typeCode: i % 2 ? '475' : '165', amount: String(a), funds: { code: '0' }, bankReference: `B${i}`, customerReference: '', text: `ITEM ${i}` })),
          },
        ],
      },
    ],
  };
}

for (const [backend, stagingThreads] of BACKENDS_BY_STAGING) {
  describe(`BAI2 uploads [${backend}]${stagingLabel(stagingThreads)}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, {}, {}, { stagingThreads });
      for (const key of ['valid', 'invalid', 'twice', 'dry', 'relax', 'multi', 'conflict']) await t.call('POST', '/v1/data_streams', { key, name: key });
    });
    after(async () => {
      await t?.close();
    });

    test('every valid file imports, detected from its content, and reproduces its own control totals', async () => {
      for (const name of files('valid')) {
        const text = readFileSync(join(BAI2, 'valid', name), 'latin1');
        const res = await upload(t, 'valid', text, `?filename=${name}`);
        assert.equal(res.status, 202, name);
        assert.equal(res.body.source, 'bai2', `${name}: detected from its leading 01 record`);
        const done = await completed(t, res.body.id);
        assert.equal(done.status, 'completed', `${name}: ${done.error_message}`);
        assert.equal(done.failed_items, 0, name);
        const records = await stored(t, res.body.id);
        const declared = declaredBai2(text);
        const details = done.source_details.bai2;
        assert.equal(records.length, details.details.count, name);
        assert.equal(details.accounts.length, declared.accounts.length);
        // Per account: the balances and summaries (03) in source_details plus the records' amounts give
        // the account trailer's control total exactly.
        let fileTotal = 0n;
        details.accounts.forEach((account: any, i: number) => {
          const mine = records.filter((r) => {
            const m = JSON.parse(r.metadata);
            return m.group_sequence === account.group_sequence && m.account_sequence === account.account_sequence;
          });
          const summaries = account.summaries.reduce((s: bigint, x: any) => s + BigInt(x.amount ?? 0), 0n);
          assert.equal(account.summary_count, account.summaries.length);
          assert.equal(BigInt(account.summary_total), summaries);
          const amounts = mine.reduce((s, r) => s + BigInt(r.amount), 0n);
          assert.equal(summaries + amounts, declared.accounts[i]!.total, `${name} account ${i + 1}`);
          assert.equal(mine.length, account.detail_count);
          assert.equal(mine.filter((r) => r.direction === 'credit').reduce((s, r) => s + r.amount, 0), account.credit_amount);
          fileTotal += summaries + amounts;
        });
        assert.equal(fileTotal, declared.file!.total, `${name}: file control total`);
        assert.equal(details.record_count, declared.file!.records);
        const batches = await t.call('GET', '/v1/data_streams/valid/import_batches?limit=1');
        const batch = batches.body.data[0];
        assert.equal(batch.bulk_request_id, res.body.id, name);
        assert.equal(batch.source, 'bai2_upload');
        assert.equal(batch.record_count, records.length);
        assert.equal(batch.total_credits, records.filter((r) => r.direction === 'credit').reduce((s, r) => s + r.amount, 0));
        // Account numbers are never stored whole: metadata holds only the documented keys.
        const accounts = bai2AccountNumbers(text);
        for (const record of records) {
          const metadata = JSON.parse(record.metadata) as Record<string, unknown>;
          for (const key of Object.keys(metadata)) assert.ok(METADATA_KEYS.has(key), `${name}: unexpected metadata key ${key}`);
          assert.ok(accounts.some((a) => a.endsWith(String(metadata.account_last4))) && String(metadata.account_last4).length <= 4);
          for (const a of accounts.filter((x) => x.length > 4)) assert.ok(!JSON.stringify(record).includes(a), `${name}: an account number is stored`);
          assert.match(record.external_id, /^bai2:/);
        }
        assert.ok(!JSON.stringify(done).includes(accounts.find((a) => a.length > 6) ?? '\u0000'), 'no account number in the request');
      }
      const list = await t.call('GET', '/v1/records?data_stream_key=valid&source=bai2_upload&limit=5');
      assert.equal(list.status, 200);
      assert.ok(list.body.data.length > 0 && list.body.data.every((r: any) => r.source === 'bai2_upload' && /^\d{4}-\d{2}-\d{2}$/.test(r.date)));
      assert.ok(list.body.data.some((r: any) => r.currency === 'USD'));
    });

    test('a status read shows source_details as every other answer does, in both results formats', async () => {
      const name = files('valid')[0]!;
      const res = await upload(t, 'valid', readFileSync(join(BAI2, 'valid', name), 'latin1'), `?filename=${name}`);
      const done = await completed(t, res.body.id);
      // Every answer splices the stored text (docs/performance.md §6): each must be that text, as JSON.
      const stored = await t.store.db.selectFrom('bulk_requests').select('source_details').where('id', '=', res.body.id).executeTakeFirstOrThrow();
      const expected = JSON.parse(stored.source_details!);
      assert.ok(expected.bai2 && done.source_details?.bai2, 'the status read has source_details');
      assert.deepEqual(done.source_details, expected);
      const page = await t.app.inject({ method: 'GET', url: '/v1/bulk_requests?limit=200', headers: { 'x-api-key': t.key } });
      assert.equal(page.statusCode, 200);
      const listed = JSON.parse(page.body);
      assert.deepEqual(Object.keys(listed), ['data', 'next_cursor', 'limit']);
      assert.equal(listed.limit, 200);
      const mine = listed.data.find((r: { id: number }) => r.id === res.body.id);
      assert.deepEqual(mine.source_details, expected);
      const { source_details: _listed, ...listedRest } = mine;
      const { source_details: _read, results: _results, ...readRest } = done;
      assert.deepEqual(listedRest, readRest, 'the list shows what the status read does');
      const array = await t.app.inject({ method: 'GET', url: `/v1/bulk_requests/${res.body.id}`, headers: { 'x-api-key': t.key, 'sluice-results-format': 'array' } });
      assert.equal(array.statusCode, 200);
      assert.deepEqual(JSON.parse(array.body).source_details, expected);
      // A finished request's event stream sends its final state and ends.
      const events = await t.app.inject({ method: 'GET', url: `/v1/bulk_requests/${res.body.id}/events`, headers: { 'x-api-key': t.key } });
      const data = /^event: completed\ndata: (.*)$/m.exec(events.body);
      assert.ok(data, events.body.slice(0, 200));
      assert.deepEqual(JSON.parse(data[1]!).source_details, expected);
    });

    test('the invalid file and malformed ones end failed with a located error and create nothing', async () => {
      const inputs: Array<[string, Buffer | string]> = files('invalid').map((n) => [n, readFileSync(join(BAI2, 'invalid', n))]);
      const good = writeBai2(model('9', [100, 200]));
      inputs.push(['truncated', good.slice(0, good.indexOf('98,'))]);
      inputs.push(['wrong order', good.replace(/^(03,.*)\n(16,.*)\n/m, '$2\n$1\n')]);
      inputs.push(['unterminated continuation', good.replace(/^(16,[^\n]*)\/\n/m, '$1/\n88,MORE\n')]);
      inputs.push(['wrong totals', good.replace(/^49,(\d+)/m, (_m, n: string) => `49,${Number(n) + 1}`)]);
      for (const [name, body] of inputs) {
        const res = await upload(t, 'invalid', body, `?format=bai2&filename=${encodeURIComponent(name)}`);
        assert.equal(res.status, 202, name);
        assert.equal(res.body.status, 'failed', name);
        assert.match(res.body.error_message, /^The BAI2 file was rejected: line \d+ /, name);
        const errors = res.body.error_details.errors;
        assert.ok(errors.length > 0 && res.body.error_details.error_count >= errors.length, name);
        assert.ok(Number.isInteger(errors[0].line) && errors[0].line > 0, `${name}: error names a line`);
        assert.match(errors[0].field, /^[a-z_]+\.[a-z_]+$/, `${name}: error names the record and field`);
        assert.equal(res.body.total_items, 0, name);
        await t.drain();
        assert.equal((await stored(t, res.body.id)).length, 0, name);
      }
      assert.deepEqual((await t.call('GET', '/v1/data_streams/invalid/import_batches')).body.data, []);
    });

    test('the same file twice under skip creates nothing the second time; another file never collides', async () => {
      const text = writeBai2(model('1', [1000, 2500, 1000]));
      const first = await upload(t, 'twice', text, '', 'application/x-bai2');
      assert.equal((await completed(t, first.body.id)).successful_items, 3);
      const second = await upload(t, 'twice', text, '?on_conflict=skip');
      const done = await completed(t, second.body.id);
      assert.equal(done.successful_items, 0);
      assert.equal(done.skipped_items, 3);
      assert.equal((await t.call('GET', '/v1/data_streams/twice/import_batches')).body.data.length, 1);
      // Same identity and amounts, another file id: new records. Same file id, other content: new too.
      for (const other of [writeBai2(model('2', [1000, 2500, 1000])), writeBai2(model('1', [1000, 2500, 1001]))]) {
        const third = await upload(t, 'twice', other);
        const after = await completed(t, third.body.id);
        assert.equal(after.status, 'completed');
        assert.equal(after.skipped_items, other.includes('1001') ? 2 : 0, 'only identical details at identical positions are the same');
      }
    });

    test('on_conflict=error fails the repeated details; the failed rows come back as their records', async () => {
      const text = writeBai2(model('7', [500, 600]));
      await completed(t, (await upload(t, 'conflict', text)).body.id);
      const again = await upload(t, 'conflict', text, '?on_conflict=error');
      const done = await completed(t, again.body.id);
      assert.equal(done.failed_items, 2);
      const res = await t.app.inject({ method: 'GET', url: `/v1/bulk_requests/${again.body.id}/failed_rows.csv`, headers: { 'x-api-key': t.key } });
      assert.equal(res.statusCode, 200);
      const lines = res.body.trim().split(/\r?\n/);
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /external_id/);
      assert.match(lines[1]!, /bai2:122099999:2503010800:7:1\.1\.1:/);
      assert.match(lines[1]!, /^\d{4}-\d{2}-\d{2},conflict,500,USD,/, 'date, the upload\'s stream, amount and currency, as the record reads');
      assert.match(lines[1]!, /",4,duplicate_external_id,/, 'row_number is the line of the 16 record (01, 02, 03, then it)');
    });

    test('dry_run writes nothing; relax=skipControlTotals accepts a file with wrong totals; multipart', async () => {
      const text = writeBai2(model('3', [100]));
      const dry = await upload(t, 'dry', text, '?dry_run=true');
      const done = await completed(t, dry.body.id);
      assert.equal(done.status, 'completed');
      assert.equal(done.successful_items, 1);
      assert.equal((await stored(t, dry.body.id)).length, 0);

      const wrong = text.replace(/^99,(\d+)/m, '99,1');
      assert.equal((await upload(t, 'relax', wrong)).body.status, 'failed');
      const relaxed = await upload(t, 'relax', wrong, '?relax=skipControlTotals');
      assert.equal((await completed(t, relaxed.body.id)).status, 'completed');
      const unknown = await upload(t, 'relax', wrong, '?relax=noSuchThing');
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.error, 'invalid_upload_option');
      assert.match(unknown.body.message, /allowMissingSlash/, 'the message lists the BAI2 relaxations too');

      const boundary = '----bai2-boundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="on_conflict"\r\n\r\nskip\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.bai"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        Buffer.from(writeBai2(model('4', [700]))),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const multi = await upload(t, 'multi', body, '', `multipart/form-data; boundary=${boundary}`);
      assert.equal(multi.status, 202);
      assert.equal(multi.body.source, 'bai2', 'detected from the .bai extension');
      assert.equal(multi.body.filename, 'statement.bai');
      assert.equal((await completed(t, multi.body.id)).successful_items, 1);
    });
  });
}
