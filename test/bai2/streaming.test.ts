// The stream reader hands details out as it reads, stops reading when asked to or after maxErrors, and
// keeps memory bounded: a huge line, an endless record or an endless run of continuations is reported,
// never held.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Bai2Parser, parseBai2, parseBai2Stream, type Bai2Event } from '../../src/formats/bai2/index.js';
import { writeBai2, type FileModel } from './writer.js';

function bigModel(accounts: number, perAccount: number): FileModel {
  return {
    senderId: 'S',
    receiverId: 'R',
    creationDate: '250101',
    creationTime: '0000',
    fileId: '1',
    groups: [
      {
        ultimateReceiverId: '',
        originatorId: 'BANK',
        groupStatus: '1',
        asOfDate: '250101',
        asOfTime: '',
        currency: 'USD',
        accounts: Array.from({ length: accounts }, (_, a) => ({
          accountNumber: `ACCT${1000 + a}`,
          currency: '',
          summaries: [{ typeCode: '010', amount: String(a), itemCount: '', funds: { code: '' as const } }],
          details: Array.from({ length: perAccount }, (_, i) => ({ typeCode: i % 2 ? '475' : '165', amount: String(100 + i), funds: { code: '0' as const }, bankReference: `B${i}`, customerReference: '', text: `PAYMENT ${i}` })),
        })),
      },
    ],
  };
}

async function collect(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options = {}): Promise<Bai2Event[]> {
  const events: Bai2Event[] = [];
  for await (const batch of parseBai2Stream(source, options)) {
    assert.ok(batch.length > 0, 'no empty event arrays');
    events.push(...batch);
  }
  return events;
}

describe('BAI2 streaming', () => {
  test('details are handed out while the file is still being read', async () => {
    const text = writeBai2(bigModel(5, 100));
    let pulled = 0;
    async function* source(): AsyncGenerator<string> {
      for (let i = 0; i < text.length; i += 1000) {
        pulled++;
        yield text.slice(i, i + 1000);
      }
    }
    let firstDetailAfter = -1;
    for await (const batch of parseBai2Stream(source())) {
      if (firstDetailAfter < 0 && batch.some((e) => e.type === 'detail')) firstDetailAfter = pulled;
    }
    assert.ok(firstDetailAfter > 0 && firstDetailAfter <= 2, `first detail after ${firstDetailAfter} chunks`);
  });

  test('breaking out of the loop stops reading; maxErrors stops reading early', async () => {
    const text = writeBai2(bigModel(5, 100));
    let pulled = 0;
    function* source(t: string, size: number): Generator<string> {
      for (let i = 0; i < t.length; i += size) {
        pulled++;
        yield t.slice(i, i + size);
      }
    }
    let details = 0;
    for await (const batch of parseBai2Stream(source(text, 1000))) {
      details += batch.filter((e) => e.type === 'detail').length;
      if (details >= 20) break;
    }
    assert.ok(pulled < 5, `read ${pulled} chunks`);
    pulled = 0;
    const garbage = 'XX,NOT A RECORD/\n'.repeat(50_000);
    const events = await collect(source(garbage, 4096), { maxErrors: 100 });
    const end = events.at(-1);
    assert.ok(end?.type === 'end');
    assert.equal(end.result.stoppedEarly, true);
    assert.equal(end.result.errors.at(-1)?.code, 'too_many_errors');
    assert.ok(pulled < 10, `read ${pulled} of ${Math.ceil(garbage.length / 4096)} chunks`);
  });

  test('a large file streams through with every detail and its totals', async () => {
    const text = writeBai2(bigModel(200, 250));
    let details = 0;
    function* source() {
      for (let i = 0; i < text.length; i += 65536) yield Buffer.from(text.slice(i, i + 65536));
    }
    let end: Extract<Bai2Event, { type: 'end' }> | undefined;
    for await (const batch of parseBai2Stream(source())) {
      for (const e of batch) {
        if (e.type === 'detail') details++;
        if (e.type === 'end') end = e;
      }
    }
    assert.equal(details, 50_000);
    assert.ok(end);
    assert.deepEqual(end.result.errors, []);
    assert.equal(end.result.accountCount, 200);
  });

  test('a huge line, an endless record and endless continuations are reported with bounded memory', () => {
    const header = '01,S,R,250101,0000,1,,,2/\n02,,BANK,1,250101,,USD,/\n03,ACCT1234,,/\n';
    const cases: Array<[string, (p: Bai2Parser) => void, string]> = [
      ['one line without a break', (p) => { p.push('16,165,1,0,,,'); for (let i = 0; i < 1024; i++) p.push('Z'.repeat(64 * 1024)); }, 'line_too_long'],
      ['a record that never ends, over many lines', (p) => { p.push('16,165,1,0,,,'); for (let i = 0; i < 1024; i++) p.push(`${'Z'.repeat(64 * 1024 - 1)}\n`); }, 'line_too_long'],
      ['continuations without end', (p) => { p.push('16,165,1,0,,,TEXT/\n'); for (let i = 0; i < 1024; i++) p.push(`88,${'Z'.repeat(64 * 1024)}/\n`); }, 'line_too_long'],
    ];
    for (const [name, feed, code] of cases) {
      const parser = new Bai2Parser();
      parser.push(header);
      const heapBefore = process.memoryUsage().heapUsed;
      feed(parser);
      const grown = process.memoryUsage().heapUsed - heapBefore;
      const result = parser.end();
      assert.ok(result.errors.some((e) => e.code === code), `${name}: ${result.errors.map((e) => e.code)}`);
      // Reported once, not once per line or per continuation.
      assert.equal(result.errors.filter((e) => e.code === code).length, 1, name);
      // Besides it, only the trailers the cut-off file lacks.
      assert.deepEqual(result.errors.filter((e) => !e.code.startsWith('missing_')).map((e) => e.code), [code], name);
      // Holding it would take 64 MiB or more; the reader keeps at most maxLineLength (1 MiB).
      assert.ok(grown < 32 * 1024 * 1024, `${name}: heap grew by ${grown} bytes`);
    }
  });

  test('adversarial shapes read in linear time: one-character chunks, 100,000 continuations, a 100,000-item 03', { timeout: 120_000 }, () => {
    const header = '01,S,R,250101,0000,1,,,2/\n02,,BANK,1,250101,,USD,/\n';
    // A long line fed one character at a time.
    const bytewise = new Bai2Parser();
    bytewise.push(header);
    const line = `03,ACCT1234,,${'010,1,,,'.repeat(25_000)}/\n`;
    for (const c of line) bytewise.push(c);
    assert.equal(bytewise.end().accounts[0]?.summaryCount, 25_000);
    // A D funds type whose distributions come one 88 at a time.
    const distributions = new Bai2Parser();
    distributions.push(`${header}03,ACCT1234,,/\n16,165,1,D,100000/\n`);
    for (let k = 0; k < 100_000; k++) distributions.push('88,1,1/\n');
    const d = distributions.end();
    assert.equal(d.detailCount, 1);
    // An 03 of many items, continued.
    const items = new Bai2Parser();
    items.push(`${header}03,ACCT1234,,010,1,,/\n`);
    for (let k = 0; k < 100_000; k++) items.push('88,015,1,,/\n');
    items.push('49,100001,100002/\n98,100001,1,100004/\n99,100001,1,100006/\n');
    const r = items.end();
    assert.deepEqual(r.errors, []);
    assert.equal(r.accounts[0]?.summaryCount, 100_001);
    assert.equal(r.accounts[0]?.summaries.length, 50, 'the result keeps a bounded number of them');
    assert.equal(r.accounts[0]?.summaryTotal, 100_001n);
  });

  test('end() is idempotent and push() after end() is ignored; bytes and strings read alike', () => {
    const text = writeBai2(bigModel(1, 3));
    const parser = new Bai2Parser();
    parser.push(text);
    const first = parser.end();
    parser.push('garbage');
    assert.equal(parser.end(), first);
    assert.equal(first.ok, true);
    const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
    assert.equal(show(parseBai2(Buffer.from(text)).result), show(parseBai2(text).result));
  });
});
