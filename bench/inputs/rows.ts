// The transactions every JSON and CSV input is made of. Row i is a pure function of (i, prefix): the CSV
// writer, the JSON clients, the references and the checks all regenerate the same rows instead of sharing
// a file or a big array, so a 5,000,000-row run holds none of them in memory.

export interface BenchRow {
  date: string;
  /** Integer cents, always positive: the sign lives in `direction`, as in Sluice's records. */
  amount: number;
  direction: 'credit' | 'debit';
  description: string;
  externalId: string;
}

/** Integer hash of i (xorshift-multiply), the deterministic stand-in for a seeded PRNG with random access. */
export function mix(i: number, salt = 0x9e3779b9): number {
  let h = Math.imul(i ^ salt, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
/** Two years of dates, formatted once. */
const DATES = Array.from({ length: 730 }, (_, d) => new Date(START + d * DAY).toISOString().slice(0, 10));
const MERCHANTS = ['ACME Corp', 'Globex, Inc.', 'Initech', 'Umbrella "UK" Ltd', 'Stark Industries', 'Wayne Enterprises, LLC', 'Hooli', 'Vandelay Imports'];

export function benchRow(i: number, prefix: string): BenchRow {
  const h = mix(i);
  const merchant = MERCHANTS[h % MERCHANTS.length]!;
  // Up to $99,999.99; a few rows of each thousand have round amounts (no cents), as real statements do.
  const amount = h % 97 === 0 ? ((h >>> 8) % 1000) * 100 + 100 : ((h >>> 4) % 9_999_999) + 1;
  return {
    date: DATES[(i + (h % 5)) % DATES.length]!,
    amount,
    direction: (h & 8) === 0 ? 'credit' : 'debit',
    // Commas and quotes on purpose: the CSV must quote and escape them, the parser must undo it.
    description: i % 3 === 0 ? `Payment ${i}, ref "${(h >>> 12).toString(36).toUpperCase()}" to ${merchant}` : `${merchant} #${i % 10_000}`,
    externalId: `${prefix}-${i.toString(36)}-${(h >>> 20).toString(16)}`,
  };
}

/** What a set of rows must add up to once it has landed. */
export interface ExpectedTotals {
  rows: number;
  creditCount: number;
  debitCount: number;
  credits: number;
  debits: number;
}

export function emptyTotals(): ExpectedTotals {
  return { rows: 0, creditCount: 0, debitCount: 0, credits: 0, debits: 0 };
}

export function addToTotals(totals: ExpectedTotals, amount: number, direction: 'credit' | 'debit'): void {
  totals.rows++;
  if (direction === 'credit') {
    totals.creditCount++;
    totals.credits += amount;
  } else {
    totals.debitCount++;
    totals.debits += amount;
  }
}

export function rowsTotals(count: number, prefix: string): ExpectedTotals {
  const totals = emptyTotals();
  for (let i = 0; i < count; i++) {
    const row = benchRow(i, prefix);
    addToTotals(totals, row.amount, row.direction);
  }
  return totals;
}
