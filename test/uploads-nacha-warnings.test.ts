// NACHA uploads that deviate from the NACHA rules without making the data unreliable: they import, and
// the bulk request says what was accepted (`source_details.warnings`); `strict=true` rejects them.
// Through HTTP, on both databases (issue 11, item 3).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { hasTestdata, TESTDATA_ROOT } from './support/shared.js';
import { simpleFile, writeNacha, type WriterEntry } from './nacha/writer.js';

const ALICE: WriterEntry = { transactionCode: 22, rdfi: '23138010', account: '12345678', amount: 1000, individualId: 'ID1', individualName: 'ALICE' };
const BOB: WriterEntry = { transactionCode: 27, rdfi: '12104288', account: '87654321', amount: 250, individualId: 'ID2', individualName: 'BOB' };

/** A credits-only (220) batch holding a debit (line 4): a service_class_mismatch warning. */
const MISLABELLED = writeNacha(simpleFile([ALICE, BOB], { serviceClassCode: 220 }));

function multipart(fields: Array<[string, string]>, content: string) {
  const boundary = '----sluice-nacha-warnings';
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="batch.ach"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n--${boundary}--\r\n`);
  return { body: parts.join(''), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const backend of BACKENDS) {
  describe(`NACHA upload warnings and strict mode [${backend}]`, () => {
    let t: TestApp;
    const upload = async (stream: string, body: string, query = '', contentType = 'application/vnd.nacha') => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/data_streams/${stream}/uploads${query}`,
        headers: { 'x-api-key': t.key, 'content-type': contentType },
        payload: body,
      });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
    const recordCount = async (bulkRequestId: number) =>
      Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM records WHERE bulk_request_id = ${bulkRequestId}`.execute(t.store.db)).rows[0]?.n ?? 0);

    before(async () => {
      t = await startTestApp(backend);
      for (const key of ['warned', 'strict', 'clean', 'many']) await t.call('POST', '/v1/data_streams', { key, name: key });
    });
    after(async () => {
      await t?.close();
    });

    test('a file with a deviation imports, and the bulk request lists the warning with its line and field', async () => {
      const res = await upload('warned', MISLABELLED, '?filename=mislabelled.ach');
      assert.equal(res.status, 202);
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}`)).body;
      assert.equal(done.status, 'completed', done.error_message);
      assert.equal(done.successful_items, 2);
      assert.equal(await recordCount(res.body.id), 2);
      assert.deepEqual(done.source_details.warnings, [
        {
          line: 4,
          field: 'entry_detail.transaction_code',
          code: 'service_class_mismatch',
          message: 'transaction code 27 is a debit in a credits-only batch (service class 220)',
        },
      ]);
      assert.equal(done.source_details.warning_count, 1);
      // The debit is stored as a debit: the transaction code decides, not the service class.
      const records = (await t.call('GET', '/v1/records?data_stream_key=warned&limit=10')).body.data as Array<{ direction: string; amount: number }>;
      assert.deepEqual(records.map((r) => [r.direction, r.amount]).sort(), [['credit', 1000], ['debit', 250]]);
    });

    test('strict=true rejects the same file, as a query parameter or a form field, and creates nothing', async () => {
      const query = await upload('strict', MISLABELLED, '?strict=true');
      assert.equal(query.status, 202);
      assert.equal(query.body.status, 'failed');
      assert.deepEqual(
        query.body.error_details.errors.map((e: { line: number; field: string; code: string }) => [e.line, e.field, e.code]),
        [[4, 'entry_detail.transaction_code', 'service_class_mismatch']],
      );
      assert.match(query.body.error_message, /line 4 entry_detail\.transaction_code/);
      await t.drain();
      assert.equal(await recordCount(query.body.id), 0);

      const form = multipart([['strict', 'true']], MISLABELLED);
      const viaForm = await upload('strict', form.body, '', form.contentType);
      assert.equal(viaForm.status, 202);
      assert.equal(viaForm.body.status, 'failed');
      assert.equal(viaForm.body.error_details.errors[0].code, 'service_class_mismatch');

      // strict=false is the default: the file imports.
      const relaxed = await upload('strict', MISLABELLED, '?strict=false');
      await t.drain();
      assert.equal((await t.call('GET', `/v1/bulk_requests/${relaxed.body.id}`)).body.status, 'completed');
      const batches = await t.call('GET', '/v1/data_streams/strict/import_batches');
      assert.deepEqual(batches.body.data.map((b: { bulk_request_id: number }) => b.bulk_request_id), [relaxed.body.id]);

      const bad = await upload('strict', MISLABELLED, '?strict=yes');
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error, 'invalid_upload_option');
      assert.match(bad.body.message, /strict must be "true" or "false"/);
    });

    test('a file that follows the rules has no warnings, even under strict', async () => {
      const res = await upload('clean', writeNacha(simpleFile([ALICE, BOB])), '?strict=true');
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}`)).body;
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.source_details.warnings, []);
      assert.equal(done.source_details.warning_count, 0);
    });

    test('the warnings listed are the first 100; warning_count counts them all', async () => {
      const debits: WriterEntry[] = Array.from({ length: 130 }, (_, i) => ({ ...BOB, account: `ACCT${i}`, amount: 100 + i }));
      const res = await upload('many', writeNacha(simpleFile(debits, { serviceClassCode: 220 })));
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}`)).body;
      assert.equal(done.status, 'completed');
      assert.equal(done.successful_items, 130);
      assert.equal(done.source_details.warnings.length, 100);
      assert.equal(done.source_details.warning_count, 130);
      assert.equal(done.source_details.warnings[0].line, 3);
    });

    test('moov-io files with stripped trailing blanks import with short_record warnings', { skip: hasTestdata() ? false : 'no testdata' }, async () => {
      const text = readFileSync(join(TESTDATA_ROOT, 'nacha', 'valid', 'ppd-debit.ach'), 'latin1');
      const stripped = text.split('\n').map((line) => line.trimEnd()).join('\n') + '\n\n';
      const res = await upload('warned', stripped, '?on_conflict=skip');
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}`)).body;
      assert.equal(done.status, 'completed', done.error_message);
      assert.ok(done.source_details.warning_count > 0);
      assert.ok(done.source_details.warnings.every((w: { code: string; field: string }) => w.code === 'short_record' && w.field === 'line.record'));
      const strict = await upload('warned', stripped, '?strict=true');
      assert.equal(strict.body.status, 'failed');
      assert.equal(strict.body.error_details.errors[0].code, 'short_record');
    });
  });
}
