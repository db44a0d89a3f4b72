// The camt.053 upload: one message (version 001.08) of `count` booked entries in statements of `perStatement`
// entries each, every statement with opening and closing booked balances and a transaction summary that add
// up, each entry with one transaction detail (references, counterparty, remittance line) as a bank writes
// it. Streamed to disk, so a file of millions of entries is never a string in memory. Entry i is a pure
// function of i (bench/inputs/rows.ts's mix), and amounts are whole cents, so totals are exact numbers.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { documentEnd, documentStart, entryXml, statementEnd, statementStart, fromUnits, type EntrySpec } from '../../test/camt053/writer.js';
import { addToTotals, emptyTotals, mix, type ExpectedTotals } from './rows.js';

const NAMES = ['ACME Corp', 'Globex Inc', 'Initech GmbH', 'Umbrella & Sons', 'Stark Industries', 'Wayne Enterprises', 'Hooli BV'];
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 2);
const IBAN = 'DE89370400440532013000';
export const CAMT053_MESSAGE_ID = 'BENCH-CAMT053-0001';

/** Entry i of the file: a credit or a debit of up to 99,999.99 EUR with one transaction detail. */
export function camt053Entry(i: number): EntrySpec & { cents: number } {
  const h = mix(i, 0xca3053);
  const cents = ((h >>> 4) % 9_999_999) + 1;
  const credit = (h & 8) === 0;
  const name = `${NAMES[h % NAMES.length]} ${i % 10_000}`;
  return {
    cents,
    amount: fromUnits(BigInt(cents) * 1000n),
    currency: 'EUR',
    direction: credit ? 'CRDT' : 'DBIT',
    bookingDate: new Date(START + ((i >>> 10) % 360) * DAY).toISOString().slice(0, 10),
    valueDate: new Date(START + (((i >>> 10) % 360) + 1) * DAY).toISOString().slice(0, 10),
    acctSvcrRef: `ASR${i.toString(36).toUpperCase()}`,
    domain: credit ? ['PMNT', 'RCDT', 'ESCT'] : ['PMNT', 'ICDT', 'ESCT'],
    details: [
      {
        endToEndId: `E2E-${i}`,
        ...(credit ? { debtorName: name, debtorIban: `NL91ABNA04171643${String(h % 100).padStart(2, '0')}` } : { creditorName: name, creditorIban: `FR14200410100505000139${String(h % 100).padStart(2, '0')}` }),
        ustrd: [`Invoice ${i} ref ${(h >>> 12).toString(36).toUpperCase()}`],
      },
    ],
  };
}

export async function writeCamt053File(path: string, count: number, perStatement = 10_000): Promise<{ totals: ExpectedTotals; bytes: number; statements: number }> {
  const out = createWriteStream(path);
  const totals = emptyTotals();
  let bytes = 0;
  let chunk = '';
  const emit = async (text: string) => {
    chunk += text;
    if (chunk.length >= 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  await emit(documentStart({ version: '08', messageId: CAMT053_MESSAGE_ID, createdAt: '2024-12-31T18:00:00+01:00' }));
  const statements = Math.max(1, Math.ceil(count / perStatement));
  let balance = 100_000_000; // cents
  for (let s = 0; s < statements; s++) {
    const from = s * perStatement;
    const to = Math.min(count, from + perStatement);
    let credit = 0;
    let debit = 0;
    let creditCount = 0;
    for (let i = from; i < to; i++) {
      const e = camt053Entry(i);
      if (e.direction === 'CRDT') {
        credit += e.cents;
        creditCount++;
      } else debit += e.cents;
    }
    const cents = (n: number) => fromUnits(BigInt(n) * 1000n);
    const opening = balance;
    const closing = opening + credit - debit;
    const signed = (n: number) => ({ amount: cents(Math.abs(n)), direction: n < 0 ? ('DBIT' as const) : ('CRDT' as const) });
    const net = credit - debit;
    await emit(
      statementStart('08', {
        id: `STMT-${s + 1}`,
        iban: IBAN,
        currency: 'EUR',
        sequence: String(s + 1),
        balances: [
          { type: 'OPBD', currency: 'EUR', date: '2024-01-01', ...signed(opening) },
          { type: 'CLBD', currency: 'EUR', date: '2024-12-31', ...signed(closing) },
        ],
        summary: {
          count: to - from,
          sum: cents(credit + debit),
          net: cents(Math.abs(net)),
          netDirection: net < 0 ? 'DBIT' : 'CRDT',
          credit: [creditCount, cents(credit)],
          debit: [to - from - creditCount, cents(debit)],
        },
      }),
    );
    for (let i = from; i < to; i++) {
      const e = camt053Entry(i);
      await emit(entryXml('08', e));
      addToTotals(totals, e.cents, e.direction === 'CRDT' ? 'credit' : 'debit');
    }
    await emit(statementEnd());
    balance = closing;
  }
  await emit(documentEnd());
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return { totals, bytes, statements };
}
