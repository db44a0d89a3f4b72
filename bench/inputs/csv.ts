// The CSV upload: a header and `count` rows of benchRow, written in the shapes a bank export has (quoted
// descriptions with commas and doubled quotes, "$1,234.56" amounts, negatives for debits, whole amounts
// without cents). Returns what the rows must add up to once ingested.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { addToTotals, benchRow, emptyTotals, type ExpectedTotals } from './rows.js';

export const CSV_PREFIX = 'csv';

function majorUnits(cents: number, i: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  if (rest === 0 && i % 2 === 0) return String(whole);
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

function withThousands(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function csvLine(i: number): string {
  const row = benchRow(i, CSV_PREFIX);
  let amount = majorUnits(row.amount, i);
  if (row.direction === 'debit') amount = `-${amount}`;
  else if (i % 10 === 1 && row.amount >= 100_000) {
    const [whole, cents] = amount.split('.');
    amount = `"$${withThousands(whole!)}${cents === undefined ? '' : `.${cents}`}"`;
  }
  return `${row.date},${amount},"${row.description.replaceAll('"', '""')}",${row.externalId}\n`;
}

/** Rows `first` to `first + count - 1` of the generator: the scale-out's files are consecutive slices of one set. */
export async function writeCsv(path: string, count: number, first = 0): Promise<{ totals: ExpectedTotals; bytes: number }> {
  const out = createWriteStream(path);
  const totals = emptyTotals();
  let bytes = 0;
  let chunk = 'date,amount,description,external_id\n';
  for (let i = first; i < first + count; i++) {
    chunk += csvLine(i);
    const row = benchRow(i, CSV_PREFIX);
    addToTotals(totals, row.amount, row.direction);
    if (chunk.length >= 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return { totals, bytes };
}
