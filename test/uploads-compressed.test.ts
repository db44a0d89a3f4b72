import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS, BACKENDS_BY_STAGING, createTestDatabase, stagingLabel, type TestDatabase } from './support/backends.js';
import { landed } from './support/ingest.js';
import { peakRss, serve, sluice, type Server } from './support/processes.js';
import { TESTDATA_ROOT } from './support/shared.js';

// Issue 11, item 4: gzip uploads are inflated as they stream; files that are plainly no CSV or NACHA say
// what they look like. docs/uploads.md, "Compressed files".

const LARGE = join(TESTDATA_ROOT, 'nacha', 'large');
const KEY = /sk_[a-z][a-z0-9_]*_[A-Za-z0-9_-]{27}/;

/** What the file says of itself: its file control record, and its entry detail records counted. */
function fileControlOf(ach: Buffer) {
  const lines = ach.toString('latin1').split(/\r?\n/);
  const control = lines.find((l) => l.startsWith('9') && !/^9+\s*$/.test(l))!;
  return {
    batchCount: Number(control.slice(1, 7)),
    entryAddendaCount: Number(control.slice(13, 21)),
    totalDebit: Number(control.slice(31, 43)),
    totalCredit: Number(control.slice(43, 55)),
    entries: lines.filter((l) => l.startsWith('6')).length,
  };
}

/** A minimal zip holding one entry, as `zip` writes it: local header, deflated data, central directory. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + data.length, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

/** An .xlsx begins like this: [Content_Types].xml, then the package parts, the workbook under xl/. */
function xlsxStart(): Buffer {
  return Buffer.concat([
    zipOf('[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>')).subarray(0, -22),
    zipOf('xl/workbook.xml', Buffer.from('<workbook/>')),
  ]);
}

const CSV = 'date,amount,description,external_id\n2026-03-01,10.00,first,g-1\n2026-03-02,-2.50,second,g-2\n';

for (const [backend, stagingThreads] of BACKENDS_BY_STAGING) {
  describe(`compressed and mistaken uploads [${backend}]${stagingLabel(stagingThreads)}`, { timeout: 600_000 }, () => {
    let t: TestApp;
    let n = 0;
    before(async () => {
      t = await startTestApp(backend, {}, {}, { stagingThreads });
    });
    after(async () => {
      await t?.close();
    });

    async function stream(): Promise<string> {
      const key = `gz-${++n}`;
      assert.equal((await t.call('POST', '/v1/data_streams', { key, name: key })).status, 201);
      return key;
    }

    async function upload(key: string, payload: Buffer, headers: Record<string, string>, query = '') {
      const res = await t.app.inject({ method: 'POST', url: `/v1/data_streams/${key}/uploads${query}`, headers: { 'x-api-key': t.key, ...headers }, payload });
      assert.equal(res.statusCode, 202, res.body);
      await t.drain();
      return (await t.call('GET', `/v1/bulk_requests/${JSON.parse(res.body).id}`)).body;
    }

    test('gzipped CSV: recognised by its magic bytes, and sent with Content-Encoding: gzip', async () => {
      const byMagic = await stream();
      const viaMagic = await upload(byMagic, gzipSync(CSV), { 'content-type': 'application/octet-stream' }, '?filename=statement.csv.gz');
      assert.equal(viaMagic.status, 'completed', JSON.stringify(viaMagic));
      assert.equal(viaMagic.source, 'csv');
      assert.equal(viaMagic.successful_items, 2);
      assert.equal(viaMagic.source_details.bytes, CSV.length, 'the size counted is the file, decompressed');
      assert.equal(viaMagic.source_details.gzip.compressed_bytes, gzipSync(CSV).length);
      assert.deepEqual(await landed(t.store, byMagic), { count: 2, sum: 1_250, distinctIds: 2 });

      const byHeader = await stream();
      const viaHeader = await upload(byHeader, gzipSync(CSV), { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
      assert.equal(viaHeader.status, 'completed', JSON.stringify(viaHeader));
      assert.equal(viaHeader.successful_items, 2);
      // A .gz file sent with Content-Encoding: gzip is two layers; both come off.
      const twice = await upload(await stream(), gzipSync(gzipSync(CSV)), { 'content-type': 'application/gzip', 'content-encoding': 'gzip' });
      assert.equal(twice.successful_items, 2, JSON.stringify(twice));

      const form = new FormData();
      form.append('file', new Blob([gzipSync(CSV)], { type: 'application/gzip' }), 'export.csv.gz');
      const request = new Request('http://x', { method: 'POST', body: form });
      const multipart = await upload(await stream(), Buffer.from(await request.arrayBuffer()), { 'content-type': request.headers.get('content-type')! });
      assert.equal(multipart.status, 'completed', JSON.stringify(multipart));
      assert.equal(multipart.filename, 'export.csv.gz');
      assert.equal(multipart.successful_items, 2);
    });

    test('broken gzip, other encodings, and the size limit counting decompressed bytes', async () => {
      const whole = gzipSync(CSV);
      const truncated = await upload(await stream(), whole.subarray(0, whole.length - 12), { 'content-type': 'text/csv' });
      assert.equal(truncated.status, 'failed');
      assert.equal(truncated.error_details.errors[0].code, 'invalid_gzip');
      assert.match(truncated.error_message, /truncated/);
      const notGzip = await upload(await stream(), Buffer.from(CSV), { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
      assert.equal(notGzip.status, 'failed');
      assert.equal(notGzip.error_details.errors[0].code, 'invalid_gzip');

      const key = await stream();
      for (const encoding of ['br', 'deflate', 'gzip, br']) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/v1/data_streams/${key}/uploads`,
          headers: { 'x-api-key': t.key, 'content-type': 'text/csv', 'content-encoding': encoding },
          payload: whole,
        });
        assert.equal(res.statusCode, 415, encoding);
        assert.equal(JSON.parse(res.body).error, 'unsupported_content_encoding');
      }
      assert.equal((await t.call('GET', `/v1/bulk_requests?data_stream_key=${key}`)).body.data.length, 0, 'refused before any request exists');

      const rows = Array.from({ length: 500 }, (_, i) => `2026-03-01,1.00,row,r-${i}`).join('\n');
      const big = `date,amount,description,external_id\n${rows}\n`;
      const bigGz = gzipSync(big);
      const small = await startTestApp(backend, { SLUICE_MAX_UPLOAD_BYTES: String(big.length - 1) }, {}, { stagingThreads });
      try {
        await small.call('POST', '/v1/data_streams', { key: 'tight', name: 'tight' });
        const res = await small.app.inject({
          method: 'POST',
          url: '/v1/data_streams/tight/uploads',
          headers: { 'x-api-key': small.key, 'content-type': 'text/csv' },
          payload: bigGz,
        });
        const body = JSON.parse(res.body);
        assert.ok(bigGz.length < big.length - 1, 'the compressed file is within the limit');
        assert.equal(body.status, 'failed');
        assert.equal(body.error_details.errors[0].code, 'file_too_large');
      } finally {
        await small.close();
      }
    });

    test('a ZIP, an Excel workbook, a PDF and other binary files are named for what they are', async () => {
      const cases: Array<[string, Buffer, RegExp]> = [
        ['statement.zip', zipOf('statement.csv', Buffer.from(CSV)), /looks like a ZIP archive.*unzip it/],
        ['statement.xlsx', xlsxStart(), /looks like an Excel workbook \(.xlsx\).*CSV UTF-8/],
        ['statement.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]), /Excel 97-2003/],
        ['statement.pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1'), /looks like a PDF document/],
        ['export.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('date,amount\n', 'utf16le')]), /UTF-16 text.*CSV UTF-8/],
        ['blob.bin', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x10, 0x00, 0x7f]), /looks like a binary file/],
      ];
      for (const [filename, bytes, message] of cases) {
        for (const gzipped of [false, true]) {
          const body = await upload(await stream(), gzipped ? gzipSync(bytes) : bytes, { 'content-type': 'application/octet-stream' }, `?filename=${filename}`);
          assert.equal(body.status, 'failed', filename);
          assert.equal(body.error_details.kind, 'file_rejected');
          assert.equal(body.error_details.errors[0].code, 'unsupported_file_type', filename);
          assert.match(body.error_message, message, filename);
          assert.doesNotMatch(body.error_message, /save it as UTF-8 and upload|not UTF-8/, filename);
        }
      }
      // Even when the client insists on a format: a PDF is no CSV.
      const insisted = await upload(await stream(), Buffer.from('%PDF-1.4\n'), { 'content-type': 'text/csv' }, '?format=csv');
      assert.equal(insisted.error_details.errors[0].code, 'unsupported_file_type');
    });

    test('the shared large NACHA files, gzipped, complete with their control totals', async () => {
      const files = readdirSync(LARGE).filter((f) => f.endsWith('.ach.gz'));
      assert.ok(files.length >= 2, `no .ach.gz files in ${LARGE}`);
      for (const file of files) {
        const gz = readFileSync(join(LARGE, file));
        const control = fileControlOf(gunzipSync(gz));
        const key = await stream();
        const body = await upload(key, gz, { 'content-type': 'application/octet-stream' }, `?filename=${file}`);
        assert.equal(body.status, 'completed', `${file}: ${body.error_message}`);
        assert.equal(body.source, 'nacha');
        assert.equal(body.failed_items, 0);
        assert.equal(body.successful_items, control.entries);
        const fc = body.source_details.nacha.file_control;
        assert.deepEqual(
          [fc.batch_count, fc.entry_addenda_count, fc.total_debit_amount, fc.total_credit_amount],
          [control.batchCount, control.entryAddendaCount, control.totalDebit, control.totalCredit],
        );
        const [batch] = (await t.call('GET', `/v1/data_streams/${key}/import_batches`)).body.data;
        assert.deepEqual(
          [batch.record_count, batch.total_debits, batch.total_credits],
          [control.entries, control.totalDebit, control.totalCredit],
          file,
        );
        const stored = await landed(t.store, key);
        assert.deepEqual([stored.count, stored.sum, stored.distinctIds], [control.entries, control.totalDebit + control.totalCredit, control.entries]);
      }
    });
  });

}

for (const backend of BACKENDS) {
  describe(`gzip through a real server and the CLI [${backend}]`, { timeout: 600_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let apiKey: string;
    let dir: string;
    before(async () => {
      database = await createTestDatabase(backend);
      dir = mkdtempSync(join(tmpdir(), 'sluice-gz-'));
      server = await serve(database.env);
      apiKey = server.output().match(KEY)?.[0] ?? '';
      assert.ok(apiKey, server.output());
      const created = await fetch(`${server.url}/v1/data_streams`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'bank-gz', name: 'gz' }),
      });
      assert.equal(created.status, 201);
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('sluice upload of a .ach.gz file', async () => {
      const file = readdirSync(LARGE).find((f) => f.startsWith('PPD') && f.endsWith('.ach.gz'))!;
      const control = fileControlOf(gunzipSync(readFileSync(join(LARGE, file))));
      const run = sluice(['upload', join(LARGE, file), '--stream', 'bank-gz', '--json'], { SLUICE_URL: server.url, SLUICE_API_KEY: apiKey });
      assert.equal(await run.exited, 0, run.output());
      const final = JSON.parse(run.output().slice(run.output().indexOf('{')));
      assert.equal(final.status, 'completed');
      assert.equal(final.source, 'nacha');
      assert.equal(final.filename, file);
      assert.equal(final.successful_items, control.entries);
      assert.equal(final.source_details.nacha.file_control.total_credit_amount, control.totalCredit);
    });

    test('a gzip bomb is refused early, and the server stays within bounded memory', async () => {
      // 64 MiB of one CSV row repeated deflates to ~64 KiB; 96 members of it make 6 GiB from 6 MiB on the
      // wire. (Zeros would be refused sooner, as a binary file.)
      const row = '2026-01-01,1.00,again,same\n';
      const member = gzipSync(`date,amount,description,external_id\n${row.repeat((64 * 1024 * 1024) / row.length)}`, { level: 9 });
      const path = join(dir, 'bomb.csv.gz');
      writeFileSync(path, Buffer.concat(Array.from({ length: 96 }, () => member)));
      const before = peakRss(server.pid);
      const res = await fetch(`${server.url}/v1/data_streams/bank-gz/uploads?filename=bomb.csv.gz`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'text/csv' },
        body: readFileSync(path),
      });
      assert.equal(res.status, 202);
      const body = (await res.json()) as any;
      assert.equal(body.status, 'failed');
      assert.equal(body.error_details.errors[0].code, 'compression_ratio_exceeded');
      assert.match(body.error_message, /decompression bomb/);
      const growth = peakRss(server.pid) - before;
      assert.ok(growth < 128 * 1024 * 1024, `peak RSS grew by ${Math.round(growth / 1024 / 1024)} MiB`);
      const health = (await (await fetch(`${server.url}/v1/data_streams/bank-gz/health`, { headers: { 'x-api-key': apiKey } })).json()) as any;
      assert.equal(health.bulk_requests.failed, 1, 'the server answers on; the bomb is one failed request');
    });
  });
}
