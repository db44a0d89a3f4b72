// Running counts and sums of a batch or a file. Amounts are integer cents added as doubles, which are
// exact below 2^53; the partial sum moves into a bigint long before it gets there (ADV totals have 20
// digits, and a file may hold any number of entries), so no sum is ever rounded.

import type { NachaTotals } from './types.js';

const HASH_MODULUS = 10_000_000_000;
/** An entry amount is below 10^12, so a partial sum below 2^52 plus one amount is still exact. */
const FLUSH_AT = 2 ** 52;

/** Running counts and sums; amounts split into an exact double part and a bigint overflow. */
export class Tally {
  entryCount = 0;
  addendaCount = 0;
  entryHash = 0;
  debitCount = 0;
  creditCount = 0;
  private debitLo = 0;
  private debitHi = 0n;
  private creditLo = 0;
  private creditHi = 0n;

  addAmount(credit: boolean, amount: number): void {
    if (credit) {
      this.creditCount++;
      this.creditLo += amount;
      if (this.creditLo >= FLUSH_AT) {
        this.creditHi += BigInt(this.creditLo);
        this.creditLo = 0;
      }
    } else {
      this.debitCount++;
      this.debitLo += amount;
      if (this.debitLo >= FLUSH_AT) {
        this.debitHi += BigInt(this.debitLo);
        this.debitLo = 0;
      }
    }
  }

  /** rdfi < 10^8, so one subtraction keeps the sum below 10^10 (and avoids a slow floating modulo). */
  addHash(rdfi: number): void {
    const sum = this.entryHash + rdfi;
    this.entryHash = sum >= HASH_MODULUS ? sum - HASH_MODULUS : sum;
  }

  get debitAmount(): bigint {
    return this.debitHi + BigInt(this.debitLo);
  }

  get creditAmount(): bigint {
    return this.creditHi + BigInt(this.creditLo);
  }

  snapshot(): NachaTotals {
    return {
      entryCount: this.entryCount,
      addendaCount: this.addendaCount,
      entryHash: this.entryHash,
      debitCount: this.debitCount,
      creditCount: this.creditCount,
      debitAmount: this.debitAmount,
      creditAmount: this.creditAmount,
    };
  }
}

