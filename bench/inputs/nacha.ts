// The NACHA upload: one file of `count` PPD entries in batches, written as an originator would (check
// digits, ascending trace numbers, addenda sequence numbers, batch and file controls, block count, nine
// padding), streamed to disk so a file of millions of entries is never a string in memory. Record layouts
// are those of test/nacha/writer.ts, whose check digit function this reuses.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { abaCheckDigit } from '../../test/nacha/writer.js';
import { addToTotals, emptyTotals, mix, type ExpectedTotals } from './rows.js';

const ODFI = '12104288';
const COMPANY_ID = '1234567890';
const RDFIS = ['23138010', '12104288', '02100002', '01100001', '07100001', '11100002', '26107376', '32227154'];
const NAMES = ['ALICE SMITH', 'BOB JONES', 'CAROL WHITE', 'DAVE BROWN', 'ERIN BLACK', 'FRANK GREEN', 'GRACE HALL'];
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 2);

const alpha = (value: string, width: number) => value.padEnd(width, ' ').slice(0, width);
const num = (value: number | bigint, width: number) => String(value).padStart(width, '0');

function yymmdd(batch: number): string {
  return new Date(START + (batch % 360) * DAY).toISOString().slice(2, 10).replaceAll('-', '');
}

export interface NachaEntrySpec {
  transactionCode: 22 | 27;
  rdfi: string;
  account: string;
  amount: number;
  individualId: string;
  individualName: string;
  addenda: string | null;
}

/** Entry i of the file: every 10th carries an addenda 05; amounts stay small enough for 12-digit file totals at 5M entries. */
export function nachaEntry(i: number): NachaEntrySpec {
  const h = mix(i, 0x51ed27);
  return {
    transactionCode: (h & 16) === 0 ? 22 : 27,
    rdfi: RDFIS[h % RDFIS.length]!,
    account: String(100_000_000 + ((h >>> 3) % 900_000_000)),
    amount: ((h >>> 7) % 99_999) + 1,
    individualId: `EMP${i}`,
    individualName: `${NAMES[(h >>> 11) % NAMES.length]} ${i % 100_000}`,
    addenda: i % 10 === 0 ? `INV ${i} PAYMENT FOR SERVICES, REF ${(h >>> 5).toString(36).toUpperCase()}` : null,
  };
}

export async function writeNachaFile(path: string, count: number, perBatch = 1000): Promise<{ totals: ExpectedTotals; bytes: number; batches: number }> {
  const out = createWriteStream(path);
  const totals = emptyTotals();
  let bytes = 0;
  let lines = 0;
  let chunk = '';
  const emit = async (line: string) => {
    if (line.length !== 94) throw new Error(`record of ${line.length} characters: ${line}`);
    chunk += lines === 0 ? line : `\n${line}`;
    lines++;
    if (chunk.length >= 1 << 20) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };

  await emit(`101 231380104 1210428822401151200A094101${alpha('DEST BANK', 23)}${alpha('BENCH ORIGIN CO', 23)}${alpha('', 8)}`);
  const batches = Math.ceil(count / perBatch);
  let fileHash = 0;
  let fileDebit = 0n;
  let fileCredit = 0n;
  let fileEntryAddenda = 0;
  for (let b = 0; b < batches; b++) {
    const batchNumber = b + 1;
    await emit(`5200${alpha('BENCH PAYROLL', 16)}${alpha('', 20)}${COMPANY_ID}PPD${alpha('PAYROLL', 10)}${alpha('', 6)}${yymmdd(b)}   1${ODFI}${num(batchNumber, 7)}`);
    let entryAddenda = 0;
    let hash = 0;
    let debit = 0n;
    let credit = 0n;
    for (let i = b * perBatch; i < Math.min(count, (b + 1) * perBatch); i++) {
      const e = nachaEntry(i);
      const sequence = num(i + 1, 7);
      const routing = e.rdfi + String(abaCheckDigit(e.rdfi));
      await emit(
        `6${e.transactionCode}${routing}${alpha(e.account, 17)}${num(e.amount, 10)}${alpha(e.individualId, 15)}${alpha(e.individualName, 22)}  ${e.addenda === null ? '0' : '1'}${ODFI}${sequence}`,
      );
      entryAddenda++;
      if (e.addenda !== null) {
        await emit(`705${alpha(e.addenda, 80)}0001${sequence}`);
        entryAddenda++;
      }
      hash = (hash + Number(e.rdfi)) % 10_000_000_000;
      if (e.transactionCode === 22) credit += BigInt(e.amount);
      else debit += BigInt(e.amount);
      addToTotals(totals, e.amount, e.transactionCode === 22 ? 'credit' : 'debit');
    }
    await emit(`8200${num(entryAddenda, 6)}${num(hash, 10)}${num(debit, 12)}${num(credit, 12)}${COMPANY_ID}${alpha('', 19)}${alpha('', 6)}${ODFI}${num(batchNumber, 7)}`);
    fileHash = (fileHash + hash) % 10_000_000_000;
    fileDebit += debit;
    fileCredit += credit;
    fileEntryAddenda += entryAddenda;
  }
  const blocks = Math.ceil((lines + 1) / 10);
  const control = `9${num(batches, 6)}${num(blocks, 6)}${num(fileEntryAddenda, 8)}${num(fileHash, 10)}${num(fileDebit, 12)}${num(fileCredit, 12)}`;
  await emit(control.padEnd(94, ' '));
  while (lines % 10 !== 0) await emit('9'.repeat(94));
  bytes += chunk.length;
  out.end(chunk);
  await once(out, 'finish');
  return { totals, bytes, batches };
}
