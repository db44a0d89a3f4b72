// The shapes the NACHA parser hands out. Record objects carry trimmed field values (blanks removed),
// numbers where NACHA defines a quantity (amounts in cents, counts, batch numbers) and strings where it
// defines an identifier (routing numbers, trace numbers, codes), so leading zeros survive.

import type { NachaError, NachaWarning } from './errors.js';
import type { AccountType, Direction } from './transaction-codes.js';

export type { AccountType, Direction } from './transaction-codes.js';

export interface NachaFileHeader {
  line: number;
  priorityCode: string;
  /** Nine digits (the leading blank or zero of the ten-character field removed). */
  immediateDestination: string;
  /** As sent, blanks removed: a routing number or a ten-character company number. */
  immediateOrigin: string;
  /** YYYY-MM-DD, or null when the field is not a real date (an error is reported then). */
  fileCreationDate: string | null;
  /** The six characters as written (YYMMDD). */
  fileCreationDateRaw: string;
  /** HHMM, or '' when the optional field is blank. */
  fileCreationTime: string;
  fileIdModifier: string;
  recordSize: string;
  blockingFactor: string;
  formatCode: string;
  immediateDestinationName: string;
  immediateOriginName: string;
  referenceCode: string;
}

/** The IAT batch header fields that replace company name and discretionary data. */
export interface NachaIatBatchHeader {
  iatIndicator: string;
  foreignExchangeIndicator: string;
  foreignExchangeReferenceIndicator: string;
  foreignExchangeReference: string;
  isoDestinationCountryCode: string;
  isoOriginatingCurrencyCode: string;
  isoDestinationCurrencyCode: string;
}

export interface NachaBatchHeader {
  line: number;
  /** 200 mixed, 220 credits only, 225 debits only, 280 automated accounting advices; -1 if not numeric. */
  serviceClassCode: number;
  /** Blank ('') in IAT batches, whose originator name is in addenda 11. */
  companyName: string;
  companyDiscretionaryData: string;
  /** Company identification; the originator identification in IAT batches. */
  companyIdentification: string;
  secCode: string;
  companyEntryDescription: string;
  companyDescriptiveDate: string;
  /** YYYY-MM-DD, or null when blank, 000000 or invalid. */
  effectiveEntryDate: string | null;
  effectiveEntryDateRaw: string;
  /** Julian settlement day inserted by the ACH operator, usually blank. */
  settlementDate: string;
  originatorStatusCode: string;
  /** Eight digits. */
  odfiIdentification: string;
  /** -1 if not numeric. */
  batchNumber: number;
  iat: NachaIatBatchHeader | null;
}

export interface NachaAddenda02 {
  type: '02';
  line: number;
  referenceInformation1: string;
  referenceInformation2: string;
  terminalIdentificationCode: string;
  transactionSerialNumber: string;
  /** MMDD as written. */
  transactionDate: string;
  authorizationCodeOrExpireDate: string;
  terminalLocation: string;
  terminalCity: string;
  terminalState: string;
  traceNumber: string;
}

export interface NachaAddenda05 {
  type: '05';
  line: number;
  paymentRelatedInformation: string;
  sequenceNumber: number;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda98 {
  type: '98';
  line: number;
  /** C01-C13 (or C61-C69 for refused NOCs). */
  changeCode: string;
  originalEntryTraceNumber: string;
  originalReceivingDfiIdentification: string;
  /**
   * The corrected value, or null for change codes whose corrected data contains an account number
   * (C01, C03, C06, C07) unless includeAccountNumber is set.
   */
  correctedData: string | null;
  traceNumber: string;
}

export interface NachaDishonoredReturn {
  returnTraceNumber: string;
  returnSettlementDate: string;
  /** Two digits: the original return's reason code without its R. */
  returnReasonCode: string;
}

export interface NachaContestedReturn extends NachaDishonoredReturn {
  dateOriginalEntryReturned: string;
  originalSettlementDate: string;
  dishonoredReturnTraceNumber: string;
  dishonoredReturnSettlementDate: string;
  dishonoredReturnReasonCode: string;
}

export interface NachaAddenda99 {
  type: '99';
  line: number;
  /** R61-R70 are dishonored returns, R71-R77 contested dishonored returns, other codes plain returns. */
  kind: 'return' | 'dishonored_return' | 'contested_dishonored_return';
  returnReasonCode: string;
  originalEntryTraceNumber: string;
  /** YYMMDD as written (returns only; blank otherwise). */
  dateOfDeath: string;
  originalReceivingDfiIdentification: string;
  addendaInformation: string;
  traceNumber: string;
  dishonored: NachaDishonoredReturn | null;
  contested: NachaContestedReturn | null;
}

export interface NachaAddenda10 {
  type: '10';
  line: number;
  transactionTypeCode: string;
  /** Cents, as a digit string (18 digits may exceed 2^53). */
  foreignPaymentAmount: string;
  foreignTraceNumber: string;
  /** Receiving company or individual name: the receiver of an IAT entry. */
  name: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda11 {
  type: '11';
  line: number;
  originatorName: string;
  originatorStreetAddress: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda12 {
  type: '12';
  line: number;
  originatorCityStateProvince: string;
  originatorCountryPostalCode: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda13 {
  type: '13';
  line: number;
  odfiName: string;
  odfiIdNumberQualifier: string;
  odfiIdentification: string;
  odfiBranchCountryCode: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda14 {
  type: '14';
  line: number;
  rdfiName: string;
  rdfiIdNumberQualifier: string;
  rdfiIdentification: string;
  rdfiBranchCountryCode: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda15 {
  type: '15';
  line: number;
  receiverIdentificationNumber: string;
  receiverStreetAddress: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda16 {
  type: '16';
  line: number;
  receiverCityStateProvince: string;
  receiverCountryPostalCode: string;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda17 {
  type: '17';
  line: number;
  paymentRelatedInformation: string;
  sequenceNumber: number;
  entryDetailSequenceNumber: number;
}

export interface NachaAddenda18 {
  type: '18';
  line: number;
  foreignCorrespondentBankName: string;
  foreignCorrespondentBankIdNumberQualifier: string;
  foreignCorrespondentBankIdNumber: string;
  foreignCorrespondentBankBranchCountryCode: string;
  sequenceNumber: number;
  entryDetailSequenceNumber: number;
}

export type NachaAddenda =
  | NachaAddenda02
  | NachaAddenda05
  | NachaAddenda98
  | NachaAddenda99
  | NachaAddenda10
  | NachaAddenda11
  | NachaAddenda12
  | NachaAddenda13
  | NachaAddenda14
  | NachaAddenda15
  | NachaAddenda16
  | NachaAddenda17
  | NachaAddenda18;

/** ADV entries have no trace number; these are the fields their 80-94 synthetic trace is made of. */
export interface NachaAdvEntryFields {
  adviceRoutingNumber: string;
  fileIdentification: string;
  achOperatorData: string;
  achOperatorRoutingNumber: string;
  julianDay: string;
  sequenceNumber: string;
}

export interface NachaEntry {
  line: number;
  /** The batch header this entry belongs to (the same object for every entry of the batch). */
  batch: NachaBatchHeader;
  transactionCode: number;
  accountType: AccountType;
  /** Credit or debit to the receiver's account, from the transaction code. */
  direction: Direction;
  /** Integer cents. */
  amount: number;
  isPrenote: boolean;
  isZeroAmount: boolean;
  /** COR batch or an addenda 98 follows. */
  isNotificationOfChange: boolean;
  /** An addenda 99 follows. */
  isReturn: boolean;
  /** Neither prenote, nor zero amount, nor notification of change: becomes a Sluice record. */
  isMonetary: boolean;
  /**
   * Nine digits: the eight-digit RDFI identification (gateway operator for IAT), which the entry hash
   * sums, followed by its check digit.
   */
  rdfiRoutingNumber: string;
  accountLast4: string;
  /** The full DFI account number: present only when the includeAccountNumber option is set. */
  dfiAccountNumber?: string;
  /** Receiver name ('' for SEC codes whose layout has none: TRC, XCK, SHR). IAT: from addenda 10. */
  individualName: string;
  /** Individual/company identification number (check serial number for check SEC codes). IAT: addenda 15. */
  individualIdentification: string;
  discretionaryData: string;
  addendaRecordIndicator: number;
  /** Fifteen digits. ADV: ACH operator routing number + julian day + sequence number (80-94). */
  traceNumber: string;
  addenda: NachaAddenda[];
  /** Addenda 05 / 17 payment related information, one line per addenda record; null when none. */
  paymentRelatedInformation: string | null;
  /** From the first addenda 99, e.g. R01. */
  returnReasonCode: string | null;
  /** From the first addenda 98, e.g. C01. */
  changeCode: string | null;
  /** IAT: the originator name from addenda 11. */
  originatorName: string | null;
  adv: NachaAdvEntryFields | null;
}

export interface NachaBatchControl {
  line: number;
  serviceClassCode: number;
  entryAddendaCount: number;
  entryHash: number;
  totalDebitAmount: bigint;
  totalCreditAmount: bigint;
  companyIdentification: string;
  messageAuthenticationCode: string;
  /** ADV batch controls carry ACH operator data instead of company identification and MAC. */
  achOperatorData: string;
  odfiIdentification: string;
  batchNumber: number;
}

export interface NachaFileControl {
  line: number;
  batchCount: number;
  blockCount: number;
  entryAddendaCount: number;
  entryHash: number;
  totalDebitAmount: bigint;
  totalCreditAmount: bigint;
}

/** What the entries themselves add up to (independent of what the control records claim). */
export interface NachaTotals {
  entryCount: number;
  addendaCount: number;
  /** Sum of the eight-digit RDFI identifications, modulo 10^10. */
  entryHash: number;
  debitCount: number;
  creditCount: number;
  debitAmount: bigint;
  creditAmount: bigint;
}

export interface NachaBatchSummary {
  header: NachaBatchHeader;
  /** Null when the batch was not closed by a control record (an error is reported). */
  control: NachaBatchControl | null;
  totals: NachaTotals;
}

/** Entries that do not become records, by reason (first matching reason wins, in this order). */
export interface NachaExcludedCounts {
  notificationOfChange: number;
  prenote: number;
  zeroAmount: number;
  total: number;
}

export interface NachaResult {
  /** True when no error was found: the file may be imported. */
  ok: boolean;
  /** Errors in input order, at most maxErrors (+1 too_many_errors). */
  errors: NachaError[];
  errorCount: number;
  /** Deviations that leave the data reliable, in input order, at most maxWarnings (empty under strict). */
  warnings: NachaWarning[];
  /** Every warning found, kept or not. */
  warningCount: number;
  /** The parser hit maxErrors and stopped reading; later problems are not reported. */
  stoppedEarly: boolean;
  fileHeader: NachaFileHeader | null;
  fileControl: NachaFileControl | null;
  /** The file's batches are ADV (wide control totals). */
  isAdv: boolean;
  /** Lines (records, without line breaks) read, padding included; when stoppedEarly, up to the stop. */
  lineCount: number;
  batchCount: number;
  /** Every entry of the file, monetary or not; equals the file control when ok. */
  totals: NachaTotals;
  /** Only the monetary entries: what the records created from this file add up to. */
  monetary: NachaTotals;
  excluded: NachaExcludedCounts;
}

export type NachaEvent =
  | { type: 'file_header'; header: NachaFileHeader }
  | { type: 'batch_header'; header: NachaBatchHeader }
  | { type: 'entry'; entry: NachaEntry }
  | { type: 'batch_end'; batch: NachaBatchSummary }
  | { type: 'file_control'; control: NachaFileControl }
  | { type: 'error'; error: NachaError }
  | { type: 'warning'; warning: NachaWarning }
  | { type: 'end'; result: NachaResult };

/** Callbacks of the push parser; each is optional. */
export interface NachaSink {
  fileHeader?(header: NachaFileHeader): void;
  batchHeader?(header: NachaBatchHeader): void;
  entry?(entry: NachaEntry): void;
  batchEnd?(batch: NachaBatchSummary): void;
  fileControl?(control: NachaFileControl): void;
  error?(error: NachaError): void;
  /** Every warning, kept in the result or not (under `strict` they arrive as errors instead). */
  warning?(warning: NachaWarning): void;
}
