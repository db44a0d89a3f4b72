import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS_BY_STAGING, stagingLabel } from './support/backends.js';
import { waitFor } from './support/ingest.js';
import { insertBulkRequest } from '../src/bulk/bulk-request.repository.js';
import { hasTestdata, TESTDATA_ROOT } from './support/shared.js';

// The upload pipeline itself, whatever the format: limits, interruptions, cancels, multipart, idempotency.
// NACHA files serve as content because their parser is strict and their totals are known.

const skip = hasTestdata() ? false : `testdata not found at ${TESTDATA_ROOT} (set SLUICE_TESTDATA)`;
const nacha = (name: string) => readFileSync(join(TESTDATA_ROOT, 'nacha', 'valid', name));

function multipart(fields: Array<[string, string]>, file: { name: string; type: string; content: Buffer }, trailing: Array<[string, string]> = []) {
  const boundary = '----sluice-test-boundary';
  const parts: Buffer[] = [];
  const field = ([name, value]: [string, string]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  for (const f of fields) parts.push(field(f));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
  parts.push(file.content, Buffer.from('\r\n'));
  for (const f of trailing) parts.push(field(f));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const [backend, stagingThreads] of BACKENDS_BY_STAGING) {
  describe(`uploads [${backend}]${stagingLabel(stagingThreads)}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { SLUICE_MAX_UPLOAD_BYTES: '20000', SLUICE_STAGE_BATCH: '1' }, {}, { stagingThreads });
      await t.call('POST', '/v1/data_streams', { key: 'up', name: 'up' });
    });
    after(async () => {
      await t?.close();
    });

    const post = async (url: string, payload: Buffer | string | Readable, contentType: string, headers: Record<string, string> = {}) => {
      const res = await t.app.inject({ method: 'POST', url, headers: { 'x-api-key': t.key, 'content-type': contentType, ...headers }, payload });
      return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
    };

    test('multipart: option fields before the file apply; the filename comes from the part', async () => {
      const { body, contentType } = multipart([['on_conflict', 'error'], ['format', 'nacha']], { name: 'payroll.ach', type: 'application/octet-stream', content: nacha('ppd-mixedDebitCredit.ach') });
      const res = await post('/v1/data_streams/up/uploads', body, contentType);
      assert.equal(res.status, 202);
      assert.equal(res.body.filename, 'payroll.ach');
      assert.equal(res.body.on_conflict, 'error');
      assert.equal(res.body.source, 'nacha');
      assert.equal(res.body.total_items, 3);
      await t.drain();
      assert.equal((await t.call('GET', res.body.url)).body.successful_items, 3);
      // The upload's records count in the stream's counters, and not as orphans: they have their import batch.
      const health = (await t.call('GET', '/v1/data_streams/up/health')).body;
      assert.deepEqual([health.records_count, health.orphan_records_count, health.import_batches_record_sum], [3, 0, 3]);
      const missing = await post('/v1/data_streams/up/uploads', Buffer.from(`------x\r\nContent-Disposition: form-data; name="format"\r\n\r\nnacha\r\n------x--\r\n`), 'multipart/form-data; boundary=----x');
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error, 'missing_file');
    });

    test('the format is detected from the content when nothing names it', async () => {
      const res = await post('/v1/data_streams/up/uploads?on_conflict=skip', nacha('web-credit.ach'), 'text/plain');
      assert.equal(res.body.source, 'nacha');
      assert.equal(res.body.status, 'pending');
    });

    test('bad options are refused before anything is created; an unknown stream is 404', async () => {
      for (const [query, code] of [
        ['?on_conflict=overwrite', 'invalid_on_conflict'],
        ['?format=xlsx', 'invalid_upload_option'],
        ['?delimiter=x', 'invalid_upload_option'],
        ['?mapping=notjson', 'invalid_upload_option'],
        ['?relax=everything', 'invalid_upload_option'],
        ['?dry_run=maybe', 'invalid_upload_option'],
      ] as const) {
        const res = await post(`/v1/data_streams/up/uploads${query}`, 'x', 'text/csv');
        assert.equal(res.body.error, code, query);
      }
      const unknown = await post('/v1/data_streams/nope/uploads', nacha('web-credit.ach'), 'application/vnd.nacha');
      assert.equal(unknown.status, 404);
      const other = await t.app.inject({
        method: 'POST',
        url: '/v1/data_streams/up/uploads',
        headers: { 'x-api-key': t.otherKey, 'content-type': 'application/vnd.nacha' },
        payload: nacha('web-credit.ach'),
      });
      assert.equal(other.statusCode, 404, 'another environment cannot upload into this stream');
    });

    test('a file over the size limit ends failed with file_too_large, declared or discovered while streaming', async () => {
      const big = Buffer.alloc(30_000, '9');
      const declared = await post('/v1/data_streams/up/uploads?format=nacha', big, 'application/vnd.nacha');
      assert.equal(declared.body.status, 'failed');
      assert.equal(declared.body.error_details.errors[0].code, 'file_too_large');
      const streamed = await post('/v1/data_streams/up/uploads?format=nacha', Readable.from([big.subarray(0, 15_000), big.subarray(15_000)]), 'application/vnd.nacha');
      assert.equal(streamed.body.status, 'failed');
      assert.equal(streamed.body.error_details.errors[0].code, 'file_too_large');
      assert.equal(streamed.body.total_items, 0);
    });

    test('Idempotency-Key: the same file replays, another file under the same key is 422', async () => {
      const headers = { 'idempotency-key': 'upload-1' };
      const first = await post('/v1/data_streams/up/uploads', nacha('ppd-credit.ach'), 'application/vnd.nacha', headers);
      assert.equal(first.status, 202);
      const again = await post('/v1/data_streams/up/uploads', nacha('ppd-credit.ach'), 'application/vnd.nacha', headers);
      assert.equal(again.status, 202);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body.id, first.body.id);
      const different = await post('/v1/data_streams/up/uploads', nacha('ppd-debit.ach'), 'application/vnd.nacha', headers);
      assert.equal(different.status, 422);
      assert.equal(different.body.error, 'idempotency_key_reused');
    });

    test('a cancel while the file is still arriving ends it cancelled, with nothing staged or processed', async () => {
      const text = nacha('ppd-mixedDebitCredit.ach');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const cut = text.indexOf('\n', text.indexOf('\n6') + 2) + 1; // after the first entry
      async function* slowly() {
        yield text.subarray(0, cut);
        await gate;
        yield text.subarray(cut);
      }
      const pending = post('/v1/data_streams/up/uploads', Readable.from(slowly()), 'application/vnd.nacha');
      const parsing = await waitFor('the upload to appear', async () => {
        const list = await t.call('GET', '/v1/bulk_requests?data_stream_key=up&limit=1');
        const top = list.body.data[0];
        return top?.parsing ? top : undefined;
      });
      const cancelled = await t.call('POST', `/v1/bulk_requests/${parsing.id}/cancel`);
      assert.equal(cancelled.body.status, 'cancelled');
      release();
      const res = await pending;
      assert.equal(res.body.status, 'cancelled');
      assert.equal(res.body.total_items, 0);
      await t.drain();
      const retry = await t.call('POST', `/v1/bulk_requests/${parsing.id}/retry`);
      assert.equal(retry.status, 409, 'nothing sound to retry: the file never arrived whole');
    });

    test('no upload or retry starts into a stream being reset', async () => {
      await t.call('POST', '/v1/data_streams', { key: 'resetting', name: 'resetting' });
      const cancelled = await post('/v1/data_streams/resetting/uploads', nacha('ppd-credit.ach'), 'application/vnd.nacha');
      await t.call('POST', `/v1/bulk_requests/${cancelled.body.id}/cancel`);
      const reset = await t.call('POST', '/v1/data_streams/resetting/reset');
      assert.equal(reset.status, 202);
      const refused = await post('/v1/data_streams/resetting/uploads', nacha('ppd-credit.ach'), 'application/vnd.nacha');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, 'stream_busy');
      assert.equal(refused.body.details.operation_id, reset.body.id);
      const retry = await t.call('POST', `/v1/bulk_requests/${cancelled.body.id}/retry`);
      assert.equal(retry.status, 409);
      assert.equal(retry.body.error, 'stream_busy');
      await t.drain();
      assert.equal((await post('/v1/data_streams/resetting/uploads', nacha('ppd-credit.ach'), 'application/vnd.nacha')).status, 202);
    });

    test('an upload whose receiving process died is ended failed by the workers', async () => {
      const environmentId = (await t.store.db.selectFrom('environments').select('id').where('name', '=', 'test').executeTakeFirstOrThrow()).id;
      const longAgo = Date.now() - 10 * 60_000;
      const { row } = await t.store.db.transaction().execute((trx) =>
        insertBulkRequest(trx, {
          environmentId,
          source: 'csv',
          onConflict: 'skip',
          dryRun: false,
          filename: 'orphan.csv',
          dataStreamId: null,
          idempotencyKey: null,
          requestHash: null,
          options: {},
          parsing: true,
          now: longAgo,
        }),
      );
      const fresh = await t.call('GET', `/v1/bulk_requests/${row.id}`);
      assert.equal(fresh.body.parsing, true);
      await t.drain();
      const swept = await t.call('GET', `/v1/bulk_requests/${row.id}`);
      assert.equal(swept.body.status, 'failed');
      assert.equal(swept.body.parsing, false);
      assert.equal(swept.body.error_details.kind, 'upload_interrupted');
    });

    test('a client that disconnects mid-upload leaves a failed request, never one parsing forever', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const text = nacha('ppd-mixedDebitCredit.ach');
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/data_streams/up/uploads?filename=cut.ach',
          headers: { 'x-api-key': t.key, 'content-type': 'application/vnd.nacha', 'content-length': String(text.length) },
        });
        req.on('error', () => resolve());
        req.write(text.subarray(0, 300), () => setTimeout(() => {
          req.destroy();
          resolve();
        }, 200));
      });
      const failed = await waitFor('the interrupted upload to fail', async () => {
        const list = await t.call('GET', '/v1/bulk_requests?data_stream_key=up&limit=5');
        return list.body.data.find((r: { filename: string; status: string }) => r.filename === 'cut.ach' && r.status === 'failed');
      });
      assert.equal(failed.parsing, false);
      assert.equal(failed.error_details.kind, 'upload_interrupted');
      assert.equal(failed.total_items, 0);
    });
  });
}
