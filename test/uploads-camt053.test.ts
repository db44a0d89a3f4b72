import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from './support/app.js';
import { BACKENDS_BY_STAGING, stagingLabel } from './support/backends.js';
import { hasTestdata, TESTDATA_ROOT } from './support/shared.js';
import { balanced, writeMessage, type EntrySpec } from './camt053/writer.js';

const CAMT = join(TESTDATA_ROOT, 'camt053');
const skip = hasTestdata() ? false : `testdata not found at ${TESTDATA_ROOT} (set SLUICE_TESTDATA)`;
const files = (dir: string) => (hasTestdata() ? readdirSync(join(CAMT, dir)).filter((f) => f.endsWith('.xml')).sort() : []);

/** The metadata docs/camt053.md lists for a camt.053 record; anything else could be a leak. */
const METADATA_KEYS = new Set([
  'camt_version', 'message_id', 'statement_id', 'statement_sequence', 'account_last4', 'entry_reference', 'account_servicer_reference',
  'bank_transaction_code', 'proprietary_bank_transaction_code', 'proprietary_bank_transaction_code_issuer', 'end_to_end_id', 'transaction_id',
  'instruction_id', 'mandate_id', 'cheque_number', 'counterparty_name', 'counterparty_account_last4', 'creditor_reference', 'value_date',
  'reversal', 'entry_amount', 'detail_index',
]);

/** Every IBAN in a file: none may reach a record, a response or an external id whole. */
const ibans = (text: string) => [...text.matchAll(/<IBAN>([^<]+)<\/IBAN>|<Acct>\s*<Id>\s*<Othr>\s*<Id>([^<]+)<\/Id>/g)].map((m) => (m[1] ?? m[2])!);

async function upload(t: TestApp, stream: string, body: Buffer | string, query = '', headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/data_streams/${stream}/uploads${query}`,
    headers: { 'x-api-key': t.key, 'content-type': 'application/xml', ...headers },
    payload: body,
  });
  return { status: res.statusCode, body: JSON.parse(res.body), raw: res.body };
}

async function records(t: TestApp, bulkRequestId: number) {
  const rows = await sql<{ direction: string; amount: number; currency: string; external_id: string; metadata: string; description: string | null; date: string }>`
    SELECT direction, amount, currency, external_id, metadata, description, date FROM records WHERE bulk_request_id = ${bulkRequestId} ORDER BY item_index
  `.execute(t.store.db);
  return rows.rows.map((r) => ({ ...r, amount: Number(r.amount), metadata: JSON.parse(r.metadata) as Record<string, unknown> }));
}

/** Minor units of a decimal string with `decimals` places, exactly ("8.850" -> 885 for 2). */
function minor(text: string, decimals: number): number {
  const [whole, fraction = ''] = text.trim().split('.');
  assert.ok(fraction.replace(/0+$/, '').length <= decimals, `${text} has more than ${decimals} decimals`);
  return Number(whole) * 10 ** decimals + Number((fraction + '000000').slice(0, decimals) || '0');
}

/** Per statement of a file: booked entries' signed net and count, read with a regex (an independent oracle). */
function declared(text: string) {
  return [...text.matchAll(/<Stmt>([\s\S]*?)<\/Stmt>/g)].map((m) => {
    const body = m[1]!;
    const entries = [...body.matchAll(/<Ntry>\s*(?:<NtryRef>[^<]*<\/NtryRef>\s*)?<Amt Ccy="([A-Z]{3})">([^<]+)<\/Amt>\s*<CdtDbtInd>(CRDT|DBIT)<\/CdtDbtInd>/g)].map((e) => ({
      currency: e[1]!,
      amount: minor(e[2]!, 2),
      direction: e[3] === 'CRDT' ? 'credit' : 'debit',
    }));
    const balance = (type: string) => {
      const b = new RegExp(`<Cd>${type}</Cd>\\s*</CdOrPrtry>\\s*</Tp>\\s*<Amt Ccy="([A-Z]{3})">([^<]+)</Amt>\\s*<CdtDbtInd>(CRDT|DBIT)</CdtDbtInd>`).exec(body);
      return b ? { currency: b[1]!, signed: (b[3] === 'CRDT' ? 1 : -1) * minor(b[2]!, b[1] === 'JPY' ? 0 : 2) } : null;
    };
    return { entries, opening: balance('OPBD'), closing: balance('CLBD') };
  });
}

for (const [backend, stagingThreads] of BACKENDS_BY_STAGING) {
  describe(`camt.053 uploads [${backend}]${stagingLabel(stagingThreads)}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, {}, {}, { stagingThreads });
      for (const key of ['valid', 'invalid', 'twice', 'rows', 'split', 'dry', 'multi', 'gz']) await t.call('POST', '/v1/data_streams', { key, name: key });
    });
    after(async () => {
      await t?.close();
    });

    test('every valid file imports, one record per booked entry, and reproduces its statements exactly', async () => {
      for (const name of files('valid')) {
        const text = readFileSync(join(CAMT, 'valid', name), 'utf8');
        // No format, no helpful content type: detected from the content.
        const res = await upload(t, 'valid', text, `?filename=${name}`, { 'content-type': 'application/octet-stream' });
        assert.equal(res.status, 202, name);
        assert.equal(res.body.source, 'camt053', name);
        assert.equal(res.body.filename, name);
        await t.drain();
        const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}`)).body;
        assert.equal(done.status, 'completed', `${name}: ${done.error_message}`);
        assert.equal(done.failed_items, 0, name);
        const got = await records(t, res.body.id);
        const statements = declared(text);
        const details = done.source_details.camt053;
        assert.equal(details.statement_count, statements.length, name);
        assert.equal(got.length, statements.reduce((n, s) => n + s.entries.length, 0), `${name}: one record per entry`);
        assert.equal(details.record_count, got.length);
        for (const [i, s] of statements.entries()) {
          const mine = got.filter((r) => r.external_id.split(':')[2] === String(i + 1));
          assert.equal(mine.length, s.entries.length, `${name} statement ${i + 1}: count`);
          const net = mine.reduce((n, r) => n + (r.direction === 'credit' ? r.amount : -r.amount), 0);
          assert.equal(net, s.entries.reduce((n, e) => n + (e.direction === 'credit' ? e.amount : -e.amount), 0), `${name} statement ${i + 1}: net`);
          const listed = details.statements[i];
          assert.equal(listed.record_count, s.entries.length);
          // Where the file's balances are in one currency, the records bridge them exactly.
          if (s.opening && s.closing && s.opening.currency === s.closing.currency) {
            assert.equal(listed.balance_check, 'ok', name);
            assert.equal(s.opening.signed + net, s.closing.signed, `${name} statement ${i + 1}: opening + records = closing`);
          } else {
            assert.equal(listed.balance_check, 'not_checked', name);
            assert.ok(done.source_details.warnings.some((w: { code: string }) => w.code === 'balance_not_checked'), name);
          }
        }
        const batches = (await t.call('GET', '/v1/data_streams/valid/import_batches?limit=1')).body.data;
        assert.equal(batches[0].bulk_request_id, res.body.id, name);
        assert.equal(batches[0].source, 'camt053_upload');
        assert.equal(batches[0].record_count, got.length);
        // Account identifiers appear in no record and in no answer, only their last four characters.
        const accounts = ibans(text);
        const answer = JSON.stringify(done) + JSON.stringify(got);
        for (const iban of accounts) assert.ok(!answer.includes(iban), `${name}: an IBAN leaked`);
        for (const r of got) {
          for (const key of Object.keys(r.metadata)) assert.ok(METADATA_KEYS.has(key), `${name}: unexpected metadata key ${key}`);
          assert.equal(r.metadata.camt_version, `001.${/camt\.053\.001\.(\d\d)/.exec(text)![1]}`);
          assert.ok(accounts.some((a) => a.endsWith(String(r.metadata.account_last4))), name);
          assert.match(r.external_id, /^camt053:/);
          assert.match(r.date, /^\d{4}-\d{2}-\d{2}$/);
        }
      }
    });

    test('the mapping of the shared files: 8.85 EUR is 885 cents, dates, counterparty and remittance', async () => {
      const list = (await t.call('GET', '/v1/records?data_stream_key=valid&source=camt053_upload&limit=100')).body.data;
      assert.ok(list.length >= 7);
      const multi = list.filter((r: { description: string }) => r.description?.startsWith('Transaction Description'));
      assert.deepEqual(multi.map((r: { amount: number; direction: string }) => [r.amount, r.direction]).sort(), [[700, 'debit'], [885, 'credit']]);
      for (const r of list) {
        assert.equal(r.currency, 'EUR');
        assert.equal(r.date, '2014-12-31');
        assert.ok(r.import_batch_id);
      }
      const v8 = list.find((r: { metadata: Record<string, unknown> }) => r.metadata.camt_version === '001.08');
      assert.equal(v8.metadata.end_to_end_id, 'MUELL/FINP/RA12345');
      assert.equal(v8.metadata.counterparty_name, 'NAME NAME');
      assert.equal(v8.metadata.bank_transaction_code, 'PMNT-RCDT-BOOK');
      assert.equal(v8.metadata.account_last4, '6890');
      assert.equal(v8.metadata.statement_id, '253EUR*6890', 'the IBAN inside the statement id is masked');
      assert.equal(v8.description, '4654654654654654', 'the structured creditor reference, there being no unstructured line');
    });

    test('every invalid file ends failed with a located error and creates nothing', async () => {
      for (const name of files('invalid')) {
        const res = await upload(t, 'invalid', readFileSync(join(CAMT, 'invalid', name)), `?filename=${name}`);
        assert.equal(res.status, 202, name);
        assert.equal(res.body.status, 'failed', name);
        assert.equal(res.body.error_details.kind, 'file_rejected');
        const errors = res.body.error_details.errors;
        assert.ok(errors.length > 0 && res.body.error_details.error_count >= errors.length, name);
        assert.ok(Number.isInteger(errors[0].line) && errors[0].line > 0, `${name}: the error names a line`);
        assert.ok(errors[0].field.length > 0, `${name}: the error names an element`);
        assert.equal(errors[0].code, 'missing_element');
        assert.equal(res.body.total_items, 0);
        await t.drain();
        assert.equal((await records(t, res.body.id)).length, 0);
        assert.equal((await t.call('POST', `/v1/bulk_requests/${res.body.id}/retry`)).status, 409);
      }
      assert.deepEqual((await t.call('GET', '/v1/data_streams/invalid/import_batches')).body.data, []);
    });

    test('the same file twice dedups under skip; another file with the same message id does not collide', async () => {
      const text = readFileSync(join(CAMT, 'valid', 'camt053.v2.multi.statement.xml'));
      const first = await upload(t, 'twice', text);
      await t.drain();
      const second = await upload(t, 'twice', text, '?on_conflict=skip');
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${second.body.id}`)).body;
      assert.equal(done.total_items, 2);
      assert.equal(done.skipped_items, 2);
      assert.equal(done.successful_items, 0);
      const batches = (await t.call('GET', '/v1/data_streams/twice/import_batches')).body.data;
      assert.equal(batches.length, 1);
      assert.equal(batches[0].bulk_request_id, first.body.id);
      // The shared files all carry MsgId CAMT053RIB000000000001 and one entry at the same position.
      for (const name of ['camt053.v2.minimal.xml', 'camt053.v3.xml', 'camt053.v4.xml']) {
        const other = await upload(t, 'twice', readFileSync(join(CAMT, 'valid', name)));
        await t.drain();
        const row = (await t.call('GET', `/v1/bulk_requests/${other.body.id}`)).body;
        assert.equal(row.skipped_items, 0, name);
        assert.equal(row.successful_items, 1, name);
      }
    });

    test('row errors: an amount that is no whole number of minor units fails its row, the rest imports', async () => {
      const entries: EntrySpec[] = [
        { amount: '8.850', currency: 'EUR', direction: 'CRDT' },
        { amount: '8.855', currency: 'EUR', direction: 'CRDT' },
        { amount: '100', currency: 'JPY', direction: 'DBIT' },
        { amount: '1.5', currency: 'JPY', direction: 'DBIT' },
        { amount: '3.00', currency: 'EUR', direction: 'DBIT', bookingDate: null, valueDate: '2024-01-16' },
        { amount: '1.00', currency: 'EUR', direction: 'DBIT', bookingDate: null },
      ];
      const text = writeMessage({ version: '04', messageId: 'ROWS-1', statements: [{ id: 'S1', iban: 'DE89370400440532013000', balances: [], entries }] });
      const res = await upload(t, 'rows', text);
      assert.equal(res.body.status, 'pending', JSON.stringify(res.body.error_details));
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}?results=failed`)).body;
      assert.equal(done.status, 'completed');
      assert.equal(done.successful_items, 3);
      assert.equal(done.failed_items, 3);
      const got = await records(t, res.body.id);
      assert.deepEqual(got.map((r) => [r.amount, r.currency, r.date]), [[885, 'EUR', '2024-01-15'], [100, 'JPY', '2024-01-15'], [300, 'EUR', '2024-01-16']]);
      const failed = await t.call('GET', `/v1/bulk_requests/${res.body.id}/failed_rows.csv`);
      assert.equal(failed.status, 200);
      const lines = String(failed.body).trim().split('\r\n');
      assert.equal(lines.length, 4);
      assert.match(lines[1]!, /8\.855,EUR,credit.*invalid_amount.*EUR has 2 decimal places/);
      assert.match(lines[2]!, /1\.5,JPY,debit.*invalid_amount.*JPY has 0 decimal places/);
      assert.match(lines[3]!, /missing_required_field/);
    });

    test('an entry of several details that add up becomes one record per detail', async () => {
      const entry: EntrySpec = {
        amount: '30.00',
        currency: 'EUR',
        direction: 'CRDT',
        details: [
          { amount: '10.00', debtorName: 'Alice', endToEndId: 'E1', ustrd: ['Invoice 1'] },
          { amount: '25.00', debtorName: 'Bob', endToEndId: 'E2' },
          { amount: '5.00', direction: 'DBIT', creditorName: 'Bank', endToEndId: 'E3' },
        ],
      };
      const text = writeMessage({ version: '08', messageId: 'SPLIT-1', statements: [balanced({ id: 'S1', iban: 'DE89370400440532013000', currency: 'EUR', opening: 0n, entries: [entry] })] }).replace(
        /<TxDtls>/g,
        '\n<TxDtls>',
      );
      const res = await upload(t, 'split', text);
      await t.drain();
      const got = await records(t, res.body.id);
      assert.deepEqual(got.map((r) => [r.amount, r.direction, r.description]), [[1000, 'credit', 'Invoice 1'], [2500, 'credit', 'Bob'], [500, 'debit', 'Bank']]);
      assert.deepEqual(got.map((r) => r.metadata.end_to_end_id), ['E1', 'E2', 'E3']);
      assert.equal(new Set(got.map((r) => r.external_id)).size, 3);
      const done = (await t.call('GET', `/v1/bulk_requests/${res.body.id}`)).body;
      // Each record's row_number is the line of the detail it comes from (the entry starts on line 8).
      assert.deepEqual(done.results.data.map((r: { row_number: number }) => r.row_number), [9, 10, 11]);
      assert.equal(done.source_details.camt053.statements[0].balance_check, 'ok');
    });

    test('a statement that does not add up is rejected with a located balance_mismatch; strict turns warnings into errors', async () => {
      const statement = balanced({ id: 'S1', iban: 'DE89370400440532013000', currency: 'EUR', opening: 10000n, entries: [{ amount: '1.00', currency: 'EUR', direction: 'CRDT' }] }, 2, false);
      statement.balances[1]!.amount = '1.02';
      const res = await upload(t, 'multi', writeMessage({ version: '02', messageId: 'BAD-1', statements: [statement] }));
      assert.equal(res.body.status, 'failed');
      const error = res.body.error_details.errors[0];
      assert.equal(error.code, 'balance_mismatch');
      assert.equal(error.field, 'Stmt[1]/Bal(CLBD)');
      assert.equal(error.line, 6);
      assert.ok(!res.raw.includes('DE89370400440532013000'));
      const strict = await upload(t, 'multi', readFileSync(join(CAMT, 'valid', 'camt053.v2.minimal.xml')), '?strict=true');
      assert.equal(strict.body.status, 'failed');
      assert.equal(strict.body.error_details.errors[0].code, 'balance_not_checked');
      await t.drain();
      assert.equal((await records(t, res.body.id)).length + (await records(t, strict.body.id)).length, 0);
    });

    test('dry_run writes nothing; multipart and gzip work; malformed XML is a named file error, not a 5xx', async () => {
      const text = readFileSync(join(CAMT, 'valid', 'camt053.v3.xml'));
      const dry = await upload(t, 'dry', text, '?dry_run=true');
      await t.drain();
      const done = (await t.call('GET', `/v1/bulk_requests/${dry.body.id}`)).body;
      assert.equal(done.status, 'completed');
      assert.equal(done.successful_items, 1);
      assert.equal((await records(t, dry.body.id)).length, 0);

      const boundary = 'camtboundary';
      const multipart = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.xml.gz"\r\nContent-Type: application/gzip\r\n\r\n`),
        gzipSync(text),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const gz = await upload(t, 'gz', multipart, '', { 'content-type': `multipart/form-data; boundary=${boundary}` });
      assert.equal(gz.status, 202);
      assert.equal(gz.body.source, 'camt053');
      assert.equal(gz.body.filename, 'statement.xml.gz');
      assert.equal(gz.body.status, 'pending', JSON.stringify(gz.body.error_details));

      const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol2;</Document>`;
      for (const [body, code] of [
        [bomb, 'xml_dtd_forbidden'],
        [text.subarray(0, 2000), 'xml_truncated'],
        [text.toString().replace('camt.053.001.03', 'camt.052.001.03'), 'wrong_namespace'],
        [text.toString().replace('camt.053.001.03', 'camt.053.001.12'), 'unsupported_version'],
        ['<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><Unclosed></Document>', 'xml_malformed'],
      ] as const) {
        const res = await upload(t, 'invalid', body, '?format=camt053');
        assert.equal(res.status, 202, code);
        assert.equal(res.body.status, 'failed', code);
        assert.equal(res.body.error_details.errors[0].code, code);
      }
    });
  });
}
