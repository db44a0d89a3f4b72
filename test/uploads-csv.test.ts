import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS_BY_STAGING, stagingLabel } from './support/backends.js';

// CSV uploads through HTTP, as a finance user sends them: exports from banks and spreadsheets.

for (const [backend, stagingThreads] of BACKENDS_BY_STAGING) {
  describe(`CSV uploads [${backend}]${stagingLabel(stagingThreads)}`, () => {
    let t: TestApp;
    let n = 0;
    before(async () => {
      t = await startTestApp(backend, {}, {}, { stagingThreads });
    });
    after(async () => {
      await t?.close();
    });

    async function stream(): Promise<string> {
      const key = `csv-${++n}`;
      await t.call('POST', '/v1/data_streams', { key, name: key });
      return key;
    }

    async function upload(key: string, csv: string | Buffer, query = '') {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/data_streams/${key}/uploads${query}`,
        headers: { 'x-api-key': t.key, 'content-type': 'text/csv' },
        payload: csv,
      });
      assert.equal(res.statusCode, 202, res.body);
      await t.drain();
      const id = JSON.parse(res.body).id as number;
      return (await t.call('GET', `/v1/bulk_requests/${id}?limit=200`)).body;
    }

    const records = async (key: string) =>
      (await t.call('GET', `/v1/records?data_stream_key=${key}&limit=200`)).body.data.sort((a: { external_id: string }, b: { external_id: string }) =>
        String(a.external_id).localeCompare(String(b.external_id)),
      );

    test('BOM, CRLF, quoted newlines and commas; row_number is the line in the file', async () => {
      const key = await stream();
      const csv = '\uFEFFdate,amount,description,external_id\r\n2026-01-02,10.00,"two\r\nlines",a\r\n2026-01-03,20.00,"comma, ""quoted""",b\r\n2026-01-04,x,bad,c\r\n';
      const done = await upload(key, csv);
      assert.equal(done.status, 'completed');
      assert.equal(done.successful_items, 2);
      assert.deepEqual(
        done.results.data.map((r: { row_number: number; status: string }) => [r.row_number, r.status]),
        [[2, 'successful'], [4, 'successful'], [5, 'failed']],
      );
      const [a, b] = await records(key);
      assert.equal(a.description, 'two\r\nlines');
      assert.equal(b.description, 'comma, "quoted"');
    });

    test('backslashes, tabs, \\N and \\. in cells arrive unchanged (staging escapes what COPY would read)', async () => {
      const key = await stream();
      const cells = ['C:\\path\\to', 'tab\there', '\\N', '\\.', 'end\\'];
      const csv = ['date,amount,description,external_id', ...cells.map((c, i) => `2026-01-0${i + 1},1.00,"${c}",x${i}`)].join('\n');
      const done = await upload(key, csv);
      assert.equal(done.successful_items, cells.length);
      assert.deepEqual((await records(key)).map((r: { description: string }) => r.description), cells);
    });

    test('amounts in major units: $1,234.56, (12.34), -5, signs decide the direction; too many decimals fail the row', async () => {
      const key = await stream();
      const csv = ['date,amount,external_id', '2026-01-01,"$1,234.56",a', '2026-01-01,(12.34),b', '2026-01-01,-5,c', '2026-01-01,1.005,d', '2026-01-01,0.1,e'].join('\n');
      const done = await upload(key, csv);
      assert.equal(done.failed_items, 1);
      assert.equal(done.results.data[3].error_code, 'invalid_amount');
      const got = (await records(key)).map((r: { amount: number; direction: string }) => [r.amount, r.direction]);
      assert.deepEqual(got, [[123456, 'credit'], [1234, 'debit'], [500, 'debit'], [10, 'credit']]);
    });

    test('currency decimals: JPY has none, BHD three; amount_unit=minor reads integers', async () => {
      const key = await stream();
      await upload(key, 'date,amount,currency,external_id\n2026-01-01,1500,jpy,a\n2026-01-01,1.234,BHD,b\n2026-01-01,1.5,JPY,c\n');
      const got = (await records(key)).map((r: { amount: number; currency: string; decimal_places: number }) => [r.amount, r.currency, r.decimal_places]);
      assert.deepEqual(got, [[1500, 'JPY', 0], [1234, 'BHD', 3]]);
      const minor = await stream();
      await upload(minor, 'date,amount,external_id\n2026-01-01,1234,a\n', '?amount_unit=minor&currency=EUR');
      const [r] = await records(minor);
      assert.deepEqual([r.amount, r.currency], [1234, 'EUR']);
    });

    test('direction column (credit/debit/CR/DR), mapping, metadata columns, delimiter and date_format', async () => {
      const key = await stream();
      // A decimal comma (12,50) is refused rather than misread as 1250.
      const csv = ['Booked;Value;Side;Ref;metadata.invoice;Branch', '31/01/2026;12.50;DR;r1;INV-1;North', '01/02/2026;7;cr;r2;;South', '02/02/2026;12,50;cr;r3;;East'].join('\n');
      const mapping = encodeURIComponent(JSON.stringify({ date: 'Booked', amount: 'Value', direction: 'Side', external_id: 'Ref' }));
      const done = await upload(key, csv, `?delimiter=;&date_format=DD/MM/YYYY&mapping=${mapping}`);
      assert.equal(done.status, 'completed');
      assert.equal(done.results.data[2].error_code, 'invalid_amount');
      const got = await records(key);
      assert.equal(got.length, 2);
      assert.equal(got[0].amount, 1250);
      assert.equal(got[0].date, '2026-01-31');
      assert.equal(got[0].direction, 'debit');
      assert.equal(got[0].metadata.invoice, 'INV-1');
      assert.equal(got[0].metadata.Branch, 'North');
      assert.equal(got[1].direction, 'credit');
      assert.equal(got[1].amount, 700);
    });

    test('a file without its required columns ends failed with a located error and creates nothing', async () => {
      const key = await stream();
      const done = await upload(key, 'when,description\n2026-01-01,x\n');
      assert.equal(done.status, 'failed');
      const codes = done.error_details.errors.map((e: { code: string }) => e.code);
      assert.ok(codes.length > 0);
      assert.equal(done.error_details.errors[0].line, 1);
      assert.deepEqual(await records(key), []);
      const badMapping = await upload(key, 'a,b\n2026-01-01,1\n', `?mapping=${encodeURIComponent('{"date":"nope"}')}`);
      assert.equal(badMapping.status, 'failed');
    });

    test('the same file twice with on_conflict skip creates nothing the second time', async () => {
      const key = await stream();
      const csv = 'date,amount,external_id\n2026-01-01,1.00,x1\n2026-01-02,2.00,x2\n';
      const first = await upload(key, csv);
      const second = await upload(key, csv, '?on_conflict=skip');
      assert.equal(first.successful_items, 2);
      assert.equal(second.successful_items, 0);
      assert.equal(second.skipped_items, 2);
      const batches = (await t.call('GET', `/v1/data_streams/${key}/import_batches`)).body.data;
      assert.equal(batches.length, 1);
      assert.equal(batches[0].record_count, 2);
      assert.equal(batches[0].total_credits, 300);
      const viaBatch = await t.call('GET', `/v1/import_batches/${batches[0].id}/records?limit=1`);
      assert.equal(viaBatch.body.data.length, 1);
      assert.equal(viaBatch.body.has_more, true);
      const bySource = await t.call('GET', `/v1/records?import_batch_id=${batches[0].id}&source=csv_upload`);
      assert.equal(bySource.body.data.length, 2);
    });

    test('failed rows come back under the original header; fixed and re-uploaded, everything lands', async () => {
      const key = await stream();
      const csv = 'Date,Amount,Memo,External_ID\n2026-01-01,1.00,ok,f1\n2026-13-01,2.00,"bad, date",f2\n2026-01-03,abc,bad amount,f3\n';
      const done = await upload(key, csv);
      assert.equal(done.failed_items, 2);
      const download = await t.call('GET', `/v1/bulk_requests/${done.id}/failed_rows.csv`);
      const lines = (download.body as string).trim().split('\r\n');
      assert.equal(lines[0], 'Date,Amount,Memo,External_ID,row_number,error_code,error_message');
      assert.ok(lines[1]!.startsWith('2026-13-01,2.00,"bad, date",f2,3,invalid_date,'));
      assert.ok(lines[2]!.startsWith('2026-01-03,abc,bad amount,f3,4,invalid_amount,'));
      const fixed = ['Date,Amount,Memo,External_ID', '2026-12-01,2.00,"bad, date",f2', '2026-01-03,3.00,bad amount,f3'].join('\n');
      const again = await upload(key, fixed);
      assert.equal(again.successful_items, 2);
      assert.equal((await records(key)).length, 3);
    });
  });
}
