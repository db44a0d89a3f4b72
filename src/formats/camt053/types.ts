import type { Camt053Error, Camt053Warning } from './errors.js';

export type Direction = 'credit' | 'debit';

/** An amount as the file writes it: the text, its exact value in 10^-5 units (decimal.ts) and its Ccy. */
export interface Camt053Amount {
  text: string;
  value: bigint;
  currency: string;
}

export interface Camt053BankTransactionCode {
  /** ISO code `Domn/Cd`-`Fmly/Cd`-`SubFmlyCd`, e.g. `PMNT-RCDT-ESCT`; null when the file gives none. */
  iso: string | null;
  /** `Prtry/Cd` (and `Prtry/Issr`), the bank's own code. */
  proprietary: string | null;
  proprietaryIssuer: string | null;
}

export interface Camt053Party {
  name: string | null;
  /** Last four characters of the party's account (IBAN or other id); the full identifier is never kept. */
  accountLast4: string | null;
}

export interface Camt053TransactionDetails {
  line: number;
  /** Candidate amounts in order: TxDtls/Amt (v3+), AmtDtls/TxAmt/Amt, AmtDtls/CntrValAmt/Amt. */
  amounts: Camt053Amount[];
  direction: Direction | null;
  endToEndId: string | null;
  transactionId: string | null;
  instructionId: string | null;
  accountServicerReference: string | null;
  mandateId: string | null;
  chequeNumber: string | null;
  bankTransactionCode: Camt053BankTransactionCode;
  debtor: Camt053Party;
  creditor: Camt053Party;
  /** RmtInf/Ustrd, in order. */
  unstructured: string[];
  /** RmtInf/Strd/CdtrRefInf/Ref. */
  creditorReference: string | null;
  additionalInfo: string | null;
}

/** What an entry's records need of its statement. The account identifier itself is not part of it. */
export interface Camt053StatementInfo {
  /** 1-based position of the statement in the message. */
  index: number;
  /** Stmt/Id with the account identifier masked out (banks often build it from the IBAN). */
  id: string;
  electronicSequence: string | null;
  legalSequence: string | null;
  createdAt: string | null;
  accountLast4: string | null;
  accountCurrency: string | null;
}

export interface Camt053MessageInfo {
  /** `001.02` ... `001.08`. */
  version: string;
  /** GrpHdr/MsgId, the account identifier masked out. */
  messageId: string;
  createdAt: string | null;
}

export interface Camt053Entry {
  line: number;
  message: Camt053MessageInfo;
  statement: Camt053StatementInfo;
  /** 1-based position of the entry in its statement. */
  index: number;
  reference: string | null;
  amount: Camt053Amount;
  direction: Direction;
  reversal: boolean;
  /** BOOK, PDNG, INFO, FUTR or a proprietary status. */
  status: string;
  bookingDate: string | null;
  valueDate: string | null;
  accountServicerReference: string | null;
  bankTransactionCode: Camt053BankTransactionCode;
  additionalInfo: string | null;
  details: Camt053TransactionDetails[];
  /** One record per transaction detail (several that add up to the entry) or one for the entry. */
  split: boolean;
  /** Booked entries become records; pending, information and future entries are counted only. */
  booked: boolean;
}

export interface Camt053Balance {
  /** Tp/CdOrPrtry/Cd (OPBD, CLBD, ...) or the proprietary type. */
  type: string;
  amount: Camt053Amount;
  direction: Direction;
  date: string | null;
  line: number;
}

export interface Camt053CurrencyTotals {
  creditCount: number;
  credit: bigint;
  debitCount: number;
  debit: bigint;
}

export interface Camt053StatementSummary extends Camt053StatementInfo {
  line: number;
  balances: Camt053Balance[];
  entryCount: number;
  bookedCount: number;
  /** Entries that are not records, by status. */
  excluded: Record<string, number>;
  recordCount: number;
  /** Booked entries per currency. */
  booked: Map<string, Camt053CurrencyTotals>;
  /** `ok` or why not (balance_not_checked). */
  balanceCheck: 'ok' | 'not_checked';
  balanceCheckReason: string | null;
}

export interface Camt053Result {
  ok: boolean;
  message: Camt053MessageInfo | null;
  /** The first MAX_LISTED_STATEMENTS statements; statementCount says how many there were. */
  statements: Camt053StatementSummary[];
  statementCount: number;
  entryCount: number;
  recordCount: number;
  errors: Camt053Error[];
  errorCount: number;
  warnings: Camt053Warning[];
  warningCount: number;
}

export interface Camt053Options {
  /** Warnings become errors with the same code. */
  strict?: boolean;
  /** Longest run of text, markup or attribute the reader buffers (characters); default 1 MiB. */
  maxTokenLength?: number;
  maxErrors?: number;
  maxWarnings?: number;
}

export type Camt053Event =
  | { type: 'entry'; entry: Camt053Entry }
  | { type: 'statement_end'; statement: Camt053StatementSummary }
  | { type: 'error'; error: Camt053Error }
  | { type: 'warning'; warning: Camt053Warning }
  | { type: 'end'; result: Camt053Result };
