// A camt.053 upload far larger than the server's heap, against a real `sluice serve` whose V8 heap is capped
// at 128 MB: if the reader or the staging held the file (or built a DOM of it), the server would die of it.
// Wide entries (a 200 KB AddtlNtryInf each) make the file large without making many records to process.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { peakRss, serve, type Server } from './support/processes.js';
import { documentEnd, documentStart, entryXml, statementEnd, statementStart, fromUnits } from './camt053/writer.js';

const KEY = 'sk_test_upload_process_camt053_0123456789';
const MB = 1024 * 1024;
const TARGET_BYTES = Number(process.env.SLUICE_TEST_UPLOAD_MB ?? 130) * MB;
const NOTE_BYTES = 200_000;
const ENTRIES = Math.ceil(TARGET_BYTES / NOTE_BYTES);
const cents = (i: number) => 100 + ((i * 7919) % 100_000);

function* generatedStatement(): Generator<Buffer> {
  let net = 0;
  for (let i = 0; i < ENTRIES; i++) net += i % 3 === 0 ? -cents(i) : cents(i);
  const opening = 10_000_000;
  const closing = opening + net;
  const amount = (c: number) => fromUnits(BigInt(Math.abs(c)) * 1000n);
  yield Buffer.from(documentStart({ version: '05', messageId: 'BIG-1' }));
  yield Buffer.from(
    statementStart('05', {
      id: 'BIG-STMT',
      iban: 'DE89370400440532013000',
      currency: 'EUR',
      balances: [
        { type: 'OPBD', amount: amount(opening), currency: 'EUR', direction: 'CRDT', date: '2026-01-01' },
        { type: 'CLBD', amount: amount(closing), currency: 'EUR', direction: closing < 0 ? 'DBIT' : 'CRDT', date: '2026-01-31' },
      ],
    }),
  );
  const note = 'n'.repeat(NOTE_BYTES);
  for (let i = 0; i < ENTRIES; i++) {
    yield Buffer.from(entryXml('05', { amount: amount(cents(i)), currency: 'EUR', direction: i % 3 === 0 ? 'DBIT' : 'CRDT', ref: `N${i}`, additionalInfo: note }));
  }
  yield Buffer.from(statementEnd() + documentEnd());
}

for (const backend of BACKENDS) {
  describe(`a large camt.053 upload to a server process [${backend}]`, { timeout: 600_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    const api = (path: string, init: RequestInit & { duplex?: 'half' } = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...(init.headers ?? {}) } } as RequestInit);

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: KEY, SLUICE_POLL_MS: '200', NODE_OPTIONS: '--max-old-space-size=128' });
      await api('/v1/data_streams', { method: 'POST', body: JSON.stringify({ key: 'big', name: 'big' }) });
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
    });

    test(`a ${TARGET_BYTES / MB} MB statement imports, balances checked, while the server's memory stays bounded`, async (t) => {
      const before = peakRss(server.pid);
      const res = await api('/v1/data_streams/big/uploads?filename=big.xml', {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: Readable.toWeb(Readable.from(generatedStatement())) as unknown as BodyInit,
        duplex: 'half',
      });
      assert.equal(res.status, 202);
      const created = (await res.json()) as { id: number; status: string; total_items: number; error_message: string | null; source_details: { bytes: number; camt053: { statements: Array<{ balance_check: string }> } } };
      assert.equal(created.status, 'pending', created.error_message ?? '');
      assert.equal(created.total_items, ENTRIES);
      assert.ok(created.source_details.bytes >= TARGET_BYTES);
      assert.equal(created.source_details.camt053.statements[0]!.balance_check, 'ok');
      let done: { status: string; successful_items: number } | undefined;
      const deadline = Date.now() + 300_000;
      while (done?.status !== 'completed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        done = (await (await api(`/v1/bulk_requests/${created.id}?limit=1`)).json()) as typeof done;
      }
      assert.equal(done!.status, 'completed');
      assert.equal(done!.successful_items, ENTRIES);
      const peak = peakRss(server.pid);
      t.diagnostic(`[${backend}] camt.053 upload of ${(created.source_details.bytes / MB).toFixed(0)} MB: server peak RSS ${(peak / MB).toFixed(0)} MB (before: ${(before / MB).toFixed(0)} MB)`);
      assert.ok(peak - before < created.source_details.bytes, `peak RSS ${peak} grew by more than the file size from ${before}`);
    });
  });
}
