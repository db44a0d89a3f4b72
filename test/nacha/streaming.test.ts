import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { NachaParser, parseNacha, parseNachaStream, type NachaEvent } from '../../src/formats/nacha/index.js';
import { canonical, readFixture } from './testdata.js';
import { simpleFile, writeNacha, type WriterEntry } from './writer.js';

async function collect(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options = {}): Promise<NachaEvent[]> {
  const events: NachaEvent[] = [];
  for await (const batch of parseNachaStream(source, options)) {
    assert.ok(batch.length > 0, 'no empty event arrays');
    events.push(...batch);
  }
  return events;
}

function manyEntries(count: number): WriterEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    transactionCode: i % 3 === 0 ? 27 : 22,
    rdfi: '23138010',
    account: `ACCT${i}`,
    amount: 100 + i,
    individualId: `ID${i}`,
    individualName: `PERSON ${i}`,
  }));
}

describe('NACHA streaming', () => {
  test('parseNachaStream yields the same entries and result as parseNacha, in order, ending with end', async () => {
    const data = readFixture('crlf.ach');
    const events = await collect(Readable.from([data.subarray(0, 100), data.subarray(100, 1000), data.subarray(1000)]));
    assert.equal(events[0]?.type, 'file_header');
    assert.equal(events.at(-1)?.type, 'end');
    assert.equal(events.filter((e) => e.type === 'end').length, 1);
    const whole = parseNacha(data);
    const entries = events.flatMap((e) => (e.type === 'entry' ? [e.entry] : []));
    assert.equal(canonical(entries), canonical(whole.entries));
    const end = events.at(-1);
    assert.ok(end?.type === 'end');
    assert.equal(canonical(end.result.totals), canonical(whole.totals));
    const types = events.map((e) => e.type);
    assert.deepEqual(types.filter((t) => t !== 'entry'), ['file_header', 'batch_header', 'batch_end', 'batch_header', 'batch_end', 'file_control', 'end']);
  });

  test('errors come as events too, and the end result has them all', async () => {
    const events = await collect([readFixture('bad-check-digit.ach')]);
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
    assert.deepEqual(errors.map((e) => e.code), ['invalid_check_digit']);
    const end = events.at(-1);
    assert.ok(end?.type === 'end' && end.result.ok === false && end.result.errorCount === 1);
  });

  test('entries are handed out while the file is still being read', async () => {
    const text = writeNacha(simpleFile(manyEntries(500)));
    let pulled = 0;
    async function* source(): AsyncGenerator<string> {
      for (let i = 0; i < text.length; i += 940) {
        pulled++;
        yield text.slice(i, i + 940);
      }
    }
    let firstEntryAfterPulls = -1;
    for await (const batch of parseNachaStream(source())) {
      if (firstEntryAfterPulls < 0 && batch.some((e) => e.type === 'entry')) firstEntryAfterPulls = pulled;
    }
    assert.ok(firstEntryAfterPulls > 0 && firstEntryAfterPulls <= 2, `first entry after ${firstEntryAfterPulls} chunks`);
  });

  test('breaking out of the loop stops reading the source', async () => {
    const text = writeNacha(simpleFile(manyEntries(500)));
    let pulled = 0;
    function* source(): Generator<string> {
      for (let i = 0; i < text.length; i += 940) {
        pulled++;
        yield text.slice(i, i + 940);
      }
    }
    let entries = 0;
    for await (const batch of parseNachaStream(source())) {
      entries += batch.filter((e) => e.type === 'entry').length;
      if (entries >= 20) break;
    }
    assert.ok(pulled < 10, `read ${pulled} chunks`);
  });

  test('maxErrors stops reading the source early', async () => {
    const garbage = ('X'.repeat(94) + '\n').repeat(10_000);
    let pulled = 0;
    function* source(): Generator<string> {
      for (let i = 0; i < garbage.length; i += 4096) {
        pulled++;
        yield garbage.slice(i, i + 4096);
      }
    }
    const events = await collect(source(), { maxErrors: 100 });
    const end = events.at(-1);
    assert.ok(end?.type === 'end');
    assert.equal(end.result.stoppedEarly, true);
    assert.equal(end.result.errors.at(-1)?.code, 'too_many_errors');
    assert.ok(pulled < 10, `read ${pulled} of ${Math.ceil(garbage.length / 4096)} chunks`);
  });

  test('a huge line without line breaks is reported once, with bounded memory, in any chunking', () => {
    const size = 64 * 1024 * 1024;
    const parser = new NachaParser();
    const chunk = 'Z'.repeat(64 * 1024);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < size; i += chunk.length) parser.push(chunk);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    const result = parser.end();
    assert.deepEqual(result.errors.map((e) => `${e.line}:${e.code}`), ['1:line_too_long', '1:missing_file_header']);
    // Holding the line would take 64 MiB; the parser keeps at most maxLineLength (1 MiB) of it.
    assert.ok(grown < 32 * 1024 * 1024, `heap grew by ${grown} bytes`);
  });

  test('Buffer, Uint8Array and string input read alike', () => {
    const data = readFixture('no-padding.ach');
    const fromBuffer = parseNacha(data);
    const fromBytes = parseNacha(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    const fromString = parseNacha(data.toString('latin1'));
    assert.equal(canonical(fromBytes), canonical(fromBuffer));
    assert.equal(canonical(fromString), canonical(fromBuffer));
  });

  test('characters beyond Latin-1 in string input are invalid characters, not exceptions', () => {
    const text = readFixture('no-padding.ach').toString('latin1').replace('JANE DOE', 'JANE 😀 ');
    const result = parseNacha(text);
    assert.ok(result.errors.some((e) => e.code === 'invalid_character' && e.line === 3));
  });

  test('end() is idempotent and push() after end() is ignored', () => {
    const parser = new NachaParser();
    parser.push(readFixture('crlf.ach'));
    const first = parser.end();
    parser.push('garbage');
    assert.equal(parser.end(), first);
    assert.equal(first.ok, true);
  });
});
