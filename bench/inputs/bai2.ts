// The BAI2 upload: one statement file of `count` transaction details (16), in groups of accounts as a
// bank reports them (balances on each 03, every tenth detail's text continued by an 88, account, group
// and file trailers with their control totals and record counts), streamed to disk so a file of millions
// of details is never a string in memory.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { addToTotals, emptyTotals, mix, type ExpectedTotals } from './rows.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 2);
const PAYEES = ['ACME CORP', 'GLOBEX INC', 'INITECH', 'UMBRELLA LTD', 'STARK INDUSTRIES', 'WAYNE ENTERPRISES', 'HOOLI'];

const yymmdd = (day: number) => new Date(START + (day % 360) * DAY).toISOString().slice(2, 10).replaceAll('-', '');

export interface Bai2DetailSpec {
  typeCode: '165' | '475';
  amount: number;
  bankReference: string;
  customerReference: string;
  text: string;
  continuation: string | null;
}

/** Detail i of the file: credits (165) and debits (475), every tenth with a continued text. */
export function bai2Detail(i: number): Bai2DetailSpec {
  const h = mix(i, 0xba12);
  return {
    typeCode: (h & 16) === 0 ? '165' : '475',
    amount: ((h >>> 7) % 99_999) + 1,
    bankReference: `BR${i.toString(36).toUpperCase()}`,
    customerReference: i % 3 === 0 ? `INV${(h >>> 9) % 1_000_000}` : '',
    text: `${PAYEES[(h >>> 11) % PAYEES.length]} PAYMENT ${i % 100_000}`,
    continuation: i % 10 === 0 ? `REMITTANCE FOR INVOICE ${(h >>> 5).toString(36).toUpperCase()}, SERVICES` : null,
  };
}

export async function writeBai2File(path: string, count: number, perAccount = 1000, accountsPerGroup = 50): Promise<{ totals: ExpectedTotals; bytes: number; accounts: number }> {
  const out = createWriteStream(path);
  const totals = emptyTotals();
  let bytes = 0;
  let chunk = '';
  const emit = async (line: string) => {
    chunk += `${line}\n`;
    if (chunk.length >= 1 << 20) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  const accounts = Math.max(1, Math.ceil(count / perAccount));
  const groups = Math.ceil(accounts / accountsPerGroup);
  let fileRecords = 2;
  let fileTotal = 0n;
  await emit('01,121000248,BENCHCO,240101,0600,BENCH1,,,2/');
  for (let g = 0; g < groups; g++) {
    const firstAccount = g * accountsPerGroup;
    const lastAccount = Math.min(accounts, firstAccount + accountsPerGroup);
    await emit(`02,BENCHCO,121000248,1,${yymmdd(g)},2400,USD,2/`);
    let groupRecords = 2;
    let groupTotal = 0n;
    for (let a = firstAccount; a < lastAccount; a++) {
      const opening = BigInt(mix(a, 0x0a) % 10_000_000);
      await emit(`03,${String(4_000_000_000 + a)},,010,+${opening},,,015,+${opening},,/`);
      let records = 2;
      let total = opening * 2n;
      for (let i = a * perAccount; i < Math.min(count, (a + 1) * perAccount); i++) {
        const d = bai2Detail(i);
        await emit(`16,${d.typeCode},${d.amount},0,${d.bankReference},${d.customerReference},${d.text}/`);
        records++;
        if (d.continuation !== null) {
          await emit(`88,${d.continuation}/`);
          records++;
        }
        total += BigInt(d.amount);
        addToTotals(totals, d.amount, d.typeCode === '165' ? 'credit' : 'debit');
      }
      await emit(`49,${total},${records}/`);
      groupRecords += records;
      groupTotal += total;
    }
    await emit(`98,${groupTotal},${lastAccount - firstAccount},${groupRecords}/`);
    fileRecords += groupRecords;
    fileTotal += groupTotal;
  }
  await emit(`99,${fileTotal},${groups},${fileRecords}/`);
  bytes += chunk.length;
  out.end(chunk);
  await once(out, 'finish');
  return { totals, bytes, accounts };
}
