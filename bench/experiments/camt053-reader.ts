// The camt.053 reader alone on a generated file (bench/inputs/camt053.ts): `node --import tsx
// bench/experiments/camt053-reader.ts [entries]`. Writes the file to the temp directory, streams it through
// parseCamt053Stream and maps every entry, printing wall and CPU seconds, entries per second, MB/s and peak
// RSS. Then saxes alone on the same text, with and without its namespace processing: the reader's floor,
// and why it resolves namespaces itself. docs/camt053.md ("Performance") quotes the numbers.

import { createReadStream, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { writeCamt053File } from '../inputs/camt053.js';
import { entryToRecordFields, parseCamt053Stream } from '../../src/formats/camt053/index.js';

const n = Number(process.argv[2] ?? 100_000);
const path = join(tmpdir(), `sluice-camt053-${process.pid}.xml`);
const written = await writeCamt053File(path, n);
const mb = written.bytes / 1e6;
console.log(`file: ${n.toLocaleString('en-US')} entries in ${written.statements} statements, ${mb.toFixed(1)} MB`);

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let t = performance.now();
let c = cpu();
let entries = 0;
let records = 0;
let peak = 0;
for await (const events of parseCamt053Stream(createReadStream(path))) {
  for (const e of events) {
    if (e.type === 'entry') {
      entries++;
      records += entryToRecordFields(e.entry).length;
    } else if (e.type === 'end' && !e.result.ok) throw new Error(`generated file rejected: ${e.result.errors[0]?.message}`);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
}
let seconds = (performance.now() - t) / 1000;
console.log(`reader + mapping: ${entries} entries, ${records} records, ${seconds.toFixed(2)} s wall, ${(cpu() - c).toFixed(2)} s CPU, ${Math.round(entries / seconds)} entries/s, ${(mb / seconds).toFixed(1)} MB/s, peak RSS ${Math.round(peak / 1e6)} MB`);

const text = readFileSync(path, 'utf8');
rmSync(path);
for (const xmlns of [false, true]) {
  const parser = new SaxesParser({ xmlns, position: true });
  let tags = 0;
  parser.on('opentag', () => tags++);
  t = performance.now();
  c = cpu();
  for (let i = 0; i < text.length; i += 65536) parser.write(text.slice(i, i + 65536));
  parser.close();
  seconds = (performance.now() - t) / 1000;
  console.log(`saxes alone (xmlns: ${xmlns}): ${tags} elements, ${seconds.toFixed(2)} s wall, ${(cpu() - c).toFixed(2)} s CPU, ${(mb / seconds).toFixed(1)} MB/s`);
}
