// What the BAI2 reader produces. Amounts are bigint (the control totals of a large file can exceed 2^53);
// a detail's amount is also given as a number once it is known to be a safe integer.

import type { Bai2Error } from './errors.js';

export type Direction = 'credit' | 'debit';

/** 0 immediate, 1 one-day, 2 two-or-more-day, V value dated, S distributed, D distributed (days), Z unknown. */
export type FundsTypeCode = '' | '0' | '1' | '2' | 'V' | 'S' | 'D' | 'Z';

export interface FundsType {
  code: FundsTypeCode;
  /** V: YYYY-MM-DD. */
  valueDate?: string | null;
  /** V: HHMM or ''. */
  valueTime?: string;
  /** S: immediate, one-day and two-or-more-day availability. */
  immediate?: bigint | null;
  oneDay?: bigint | null;
  twoOrMoreDays?: bigint | null;
  /** D: availability in days and amount, one per distribution. */
  distributions?: { days: number; amount: bigint }[];
}

export interface Bai2FileHeader {
  line: number;
  senderId: string;
  receiverId: string;
  /** YYYY-MM-DD. */
  creationDate: string;
  /** As written: YYMMDD. */
  creationDateRaw: string;
  creationTime: string;
  fileId: string;
  physicalRecordLength: number | null;
  blockSize: number | null;
  versionNumber: string;
}

export interface Bai2GroupHeader {
  line: number;
  /** 1-based position of the group in the file. */
  number: number;
  ultimateReceiverId: string;
  originatorId: string;
  groupStatus: string;
  /** YYYY-MM-DD. */
  asOfDate: string;
  asOfTime: string;
  /** Uppercase ISO 4217; USD when the header leaves it blank. */
  currency: string;
  asOfDateModifier: string;
}

export interface Bai2Summary {
  typeCode: string;
  amount: bigint | null;
  itemCount: number | null;
  funds: FundsType;
}

export interface Bai2Account {
  line: number;
  /** 1-based position of the account in its group. */
  number: number;
  accountLast4: string;
  /** The account's currency, else the group's. */
  currency: string;
  summaries: Bai2Summary[];
}

export interface Bai2Detail {
  line: number;
  /** 1-based position of the detail in its account. */
  number: number;
  typeCode: string;
  direction: Direction;
  /** Minor units of the account's currency. */
  amount: number;
  funds: FundsType;
  bankReference: string;
  customerReference: string;
  /** The text with its continuations, each piece trimmed and joined by one space. */
  text: string;
}

export interface Bai2AccountTotals {
  accountLast4: string;
  currency: string;
  groupNumber: number;
  accountNumber: number;
  /** The first MAX_SUMMARIES items of the 03 record (balances and summaries); summaryCount counts them all. */
  summaries: { type_code: string; amount: number | string | null; item_count: number | null; funds_type: string }[];
  summaryCount: number;
  /** The sum of every 03 item amount: with the details' amounts, the account control total. */
  summaryTotal: bigint;
  detailCount: number;
  creditCount: number;
  debitCount: number;
  creditAmount: bigint;
  debitAmount: bigint;
  controlTotal: bigint | null;
  recordCount: number | null;
}

export interface Bai2GroupTotals {
  number: number;
  originatorId: string;
  ultimateReceiverId: string;
  groupStatus: string;
  asOfDate: string;
  currency: string;
  accountCount: number;
  controlTotal: bigint | null;
  recordCount: number | null;
}

export interface Bai2Result {
  ok: boolean;
  fileHeader: Bai2FileHeader | null;
  errors: Bai2Error[];
  errorCount: number;
  stoppedEarly: boolean;
  groups: Bai2GroupTotals[];
  groupCount: number;
  accounts: Bai2AccountTotals[];
  accountCount: number;
  detailCount: number;
  creditCount: number;
  debitCount: number;
  creditAmount: bigint;
  debitAmount: bigint;
  /** The 99 record as read, null when absent. */
  fileTrailer: { controlTotal: bigint | null; groupCount: number | null; recordCount: number | null } | null;
  recordCount: number;
}

export interface Bai2DetailEvent {
  type: 'detail';
  detail: Bai2Detail;
  file: Bai2FileHeader;
  group: Bai2GroupHeader;
  account: Bai2Account;
}

export type Bai2Event =
  | { type: 'file_header'; header: Bai2FileHeader }
  | { type: 'group_header'; group: Bai2GroupHeader }
  | { type: 'account'; account: Bai2Account }
  | Bai2DetailEvent
  | { type: 'error'; error: Bai2Error }
  | { type: 'end'; result: Bai2Result };
