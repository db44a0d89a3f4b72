// What the reader accumulates while an element is open: a statement's identity, balances and running
// totals, an entry and its transaction details. Plain data; reader.ts and tree.ts fill it in.

import type { Camt053Amount, Camt053Balance, Camt053BankTransactionCode, Camt053CurrencyTotals, Camt053Party, Camt053StatementInfo, Camt053TransactionDetails, Direction } from './types.js';

export interface Tally {
  count: number;
  creditCount: number;
  credit: bigint;
  debitCount: number;
  debit: bigint;
}
export const emptyTally = (): Tally => ({ count: 0, creditCount: 0, credit: 0n, debitCount: 0, debit: 0n });

export interface SummaryBuilder {
  line: number;
  total: { count: string | null; sum: string | null; net: string | null; netDirection: string | null };
  credit: { count: string | null; sum: string | null } | null;
  debit: { count: string | null; sum: string | null } | null;
}

export interface StatementBuilder {
  index: number;
  line: number;
  id: string | null;
  electronicSequence: string | null;
  legalSequence: string | null;
  createdAt: string | null;
  account: { seen: boolean; iban: string | null; other: string | null; currency: string | null };
  info: Camt053StatementInfo | null;
  /** Its identity was missing: said once, not again for every balance and entry. */
  infoFailed: boolean;
  balances: Camt053Balance[];
  summary: SummaryBuilder | null;
  entries: number;
  all: Tally;
  bookedCount: number;
  booked: Map<string, Camt053CurrencyTotals>;
  excluded: Record<string, number>;
  records: number;
}

export interface BalanceBuilder {
  line: number;
  type: string | null;
  amount: Camt053Amount | null;
  direction: Direction | null;
  date: string | null;
}

export interface EntryBuilder {
  line: number;
  index: number;
  reference: string | null;
  amount: Camt053Amount | null;
  direction: Direction | null;
  reversal: boolean;
  status: string | null;
  bookingDate: string | null;
  valueDate: string | null;
  accountServicerReference: string | null;
  bankTransactionCode: Camt053BankTransactionCode;
  additionalInfo: string | null;
  details: Camt053TransactionDetails[];
}

export const emptyCode = (): Camt053BankTransactionCode => ({ iso: null, proprietary: null, proprietaryIssuer: null });
export const emptyParty = (): Camt053Party => ({ name: null, accountLast4: null });

export function emptyDetails(line: number): Camt053TransactionDetails {
  return {
    line,
    amounts: [],
    direction: null,
    endToEndId: null,
    transactionId: null,
    instructionId: null,
    accountServicerReference: null,
    mandateId: null,
    chequeNumber: null,
    bankTransactionCode: emptyCode(),
    debtor: emptyParty(),
    creditor: emptyParty(),
    unstructured: [],
    creditorReference: null,
    additionalInfo: null,
  };
}

/** Last four characters of an account identifier, spaces removed: all of it that Sluice ever keeps. */
export const last4 = (id: string): string => id.replace(/\s+/g, '').slice(-4);

/** Text with every occurrence of the account identifier replaced by `*` and its last four characters. */
export function maskAccount(text: string, account: string | null): string {
  if (account === null || account.length < 5 || !text.includes(account)) return text;
  return text.split(account).join(`*${last4(account)}`);
}

export const clean = (text: string): string | null => {
  const t = text.trim();
  return t === '' ? null : t;
};
