// Rules that depend on the batch's Standard Entry Class code, as moov-io/ach's default validation applies
// them (its batchARC.go, batchCIE.go, ... Validate). moov-io rejects a file that breaks any of them, so
// each is an error here: a check conversion credited instead of debited, an RCK above its limit or a POS
// entry without its terminal addenda is not a payment anyone can post as written.
//
// SEC codes without rules of their own (CTX, COR, ADV; IAT is checked through its addenda) get null from
// rulesOf, and the parser does no per-entry work for them.

import type { RecordContext } from './records/context.js';
import { isBlank } from './fields.js';
import { TX_CREDIT, TX_PRENOTE, TX_RETURN_OR_NOC, TX_ZERO_DOLLAR } from './transaction-codes.js';
import type { NachaBatchHeader, NachaEntry } from './types.js';

export interface SecRules {
  readonly sec: string;
  /** Every entry (returns included) must go this way; null: either. */
  readonly direction: 'debit' | 'credit' | null;
  /** TEL: a batch described REVERSAL holds credits, which undo earlier debits. */
  readonly reversalCredits: boolean;
  /** Amounts must be 0 whatever the transaction code (acknowledgements, enrollments). */
  readonly zeroAmount: boolean;
  /** Amounts must be above 0 (MTE: a cash withdrawal). */
  readonly positiveAmount: boolean;
  /** The service class that contradicts `direction` (220 for debit-only codes, 225 for CIE); 0 none. */
  readonly forbiddenServiceClass: number;
  /** Largest amount in cents; 0: no limit. */
  readonly maxAmount: number;
  /** The only transaction codes allowed; null: any the batch allows. */
  readonly transactionCodes: ReadonlySet<number> | null;
  /** Positions 40-54 (the check serial number) must not be blank. */
  readonly checkSerialRequired: boolean;
  /** XCK: process control field (55-60) and item research number (61-76) must not be blank. */
  readonly checkTruncationFieldsRequired: boolean;
  /** Forward entries (neither return nor NOC) need an addenda 02 (terminal information). */
  readonly addenda02Required: boolean;
  /** The addenda 02 of a forward entry names a US state or territory as its terminal state. */
  readonly terminalStateRequired: boolean;
  /** Positions 77-78 hold a card transaction type code (POS, SHR). */
  readonly cardTransactionType: boolean;
  /** SHR: positions 40-43 are the card expiration date, MMYY. */
  readonly cardExpirationDate: boolean;
  /** Most addenda 05 per entry; 0: no limit beyond the parser's. */
  readonly maxAddenda05: number;
  /** Forward entries need at least one addenda 05. */
  readonly addenda05Required: boolean;
  /** The company entry description the batch header must hold; null: any. */
  readonly companyEntryDescription: string | null;
  /** The originator status code the batch header must hold; null: any. */
  readonly originatorStatusCode: string | null;
}

const NONE: Omit<SecRules, 'sec'> = {
  direction: null,
  reversalCredits: false,
  zeroAmount: false,
  positiveAmount: false,
  forbiddenServiceClass: 0,
  maxAmount: 0,
  transactionCodes: null,
  checkSerialRequired: false,
  checkTruncationFieldsRequired: false,
  addenda02Required: false,
  terminalStateRequired: false,
  cardTransactionType: false,
  cardExpirationDate: false,
  maxAddenda05: 0,
  addenda05Required: false,
  companyEntryDescription: null,
  originatorStatusCode: null,
};

// Checks converted to ACH debits: at most 25,000.00 (ARC, BOC, POP) or 2,500.00 (RCK, XCK), with the
// check serial number of the source document.
const DEBIT_ONLY = { direction: 'debit', forbiddenServiceClass: 220 } as const;

const RULES: Record<string, SecRules> = {
  ARC: { ...NONE, sec: 'ARC', ...DEBIT_ONLY, maxAmount: 2_500_000, checkSerialRequired: true },
  BOC: { ...NONE, sec: 'BOC', ...DEBIT_ONLY, maxAmount: 2_500_000, checkSerialRequired: true },
  POP: { ...NONE, sec: 'POP', ...DEBIT_ONLY, maxAmount: 2_500_000, checkSerialRequired: true },
  RCK: { ...NONE, sec: 'RCK', ...DEBIT_ONLY, maxAmount: 250_000, checkSerialRequired: true, companyEntryDescription: 'REDEPCHECK' },
  XCK: { ...NONE, sec: 'XCK', ...DEBIT_ONLY, maxAmount: 250_000, checkTruncationFieldsRequired: true },
  TRX: { ...NONE, sec: 'TRX', direction: 'debit' },
  CIE: { ...NONE, sec: 'CIE', direction: 'credit', forbiddenServiceClass: 225, maxAddenda05: 1 },
  // Acknowledgements carry no money: zero-dollar credits (24, 34), or a return / NOC of one (21, 31).
  ACK: { ...NONE, sec: 'ACK', transactionCodes: new Set([24, 34]), zeroAmount: true, maxAddenda05: 1 },
  ATX: { ...NONE, sec: 'ATX', transactionCodes: new Set([21, 24, 31, 34]), zeroAmount: true },
  // Death notifications and enrollments are prenote credits (23, 33); only a federal agency (originator
  // status 2) sends a DNE.
  DNE: { ...NONE, sec: 'DNE', transactionCodes: new Set([23, 33]), zeroAmount: true, maxAddenda05: 1, addenda05Required: true, originatorStatusCode: '2' },
  ENR: { ...NONE, sec: 'ENR', transactionCodes: new Set([23, 33]), zeroAmount: true, companyEntryDescription: 'AUTOENROLL' },
  TEL: { ...NONE, sec: 'TEL', direction: 'debit', reversalCredits: true },
  POS: { ...NONE, sec: 'POS', addenda02Required: true, cardTransactionType: true },
  SHR: { ...NONE, sec: 'SHR', addenda02Required: true, cardTransactionType: true, cardExpirationDate: true, terminalStateRequired: true },
  MTE: { ...NONE, sec: 'MTE', addenda02Required: true, terminalStateRequired: true, positiveAmount: true },
  PPD: { ...NONE, sec: 'PPD', maxAddenda05: 1 },
  CCD: { ...NONE, sec: 'CCD', maxAddenda05: 1 },
  WEB: { ...NONE, sec: 'WEB', maxAddenda05: 1 },
};

/**
 * Card transaction type codes: purchase (01), cash (02), return reversal (03), purchase reversal (11),
 * cash reversal (12), return (13), adjustment (21), miscellaneous (99).
 */
const CARD_TRANSACTION_TYPES: ReadonlySet<string> = new Set(['01', '02', '03', '11', '12', '13', '21', '99']);

/** The 50 states, DC, and the territories American Samoa, Guam, Northern Mariana Islands, Puerto Rico and US Virgin Islands. */
const US_STATES: ReadonlySet<string> = new Set(
  ('AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MP MS MT NC ND NE NH NJ NM ' +
    'NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY').split(' '),
);

export function rulesOf(sec: string): SecRules | null {
  return RULES[sec] ?? null;
}

function cents(amount: number): string {
  const s = String(amount).padStart(3, '0');
  return `${s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${s.slice(-2)}`;
}

/** Batch header rules: the service class must allow the SEC code's direction, and fixed descriptions. */
export function checkSecBatchHeader(header: NachaBatchHeader, rules: SecRules, ctx: RecordContext): void {
  const { report } = ctx;
  if (rules.forbiddenServiceClass !== 0 && header.serviceClassCode === rules.forbiddenServiceClass) {
    report(header.line, 'batch_header', 'service_class_code', 'invalid_service_class', `${rules.sec} entries are ${rules.direction === 'debit' ? 'debits' : 'credits'} only; service class ${header.serviceClassCode} does not allow them`);
  }
  if (rules.companyEntryDescription !== null && header.companyEntryDescription !== rules.companyEntryDescription) {
    report(header.line, 'batch_header', 'company_entry_description', 'invalid_value', `${rules.sec} batches must have the company entry description ${rules.companyEntryDescription}, got "${header.companyEntryDescription}"`);
  }
  if (rules.originatorStatusCode !== null && header.originatorStatusCode !== rules.originatorStatusCode) {
    report(header.line, 'batch_header', 'originator_status_code', 'invalid_value', `${rules.sec} batches come from a federal agency: the originator status code must be ${rules.originatorStatusCode}, got "${header.originatorStatusCode}"`);
  }
}

/**
 * Entry detail rules, on the record as read. `flags` are the transaction code's flags (0 when the code is
 * unknown: it was reported already, and its direction is not judged again).
 */
export function checkSecEntry(line: string, entry: NachaEntry, flags: number, rules: SecRules, ctx: RecordContext): void {
  const { report } = ctx;
  const lineNo = entry.line;
  const code = entry.transactionCode;
  // A code the SEC code does not allow is reported once; what follows from its meaning is not judged.
  let codeAllowed = flags !== 0;
  if (rules.transactionCodes !== null) {
    if (codeAllowed && !rules.transactionCodes.has(code)) {
      codeAllowed = false;
      report(lineNo, 'entry_detail', 'transaction_code', 'invalid_transaction_code', `transaction code ${String(code).padStart(2, '0')} is not allowed in a ${rules.sec} batch (allowed: ${[...rules.transactionCodes].join(', ')})`);
    }
  } else if (rules.direction !== null && flags !== 0) {
    const reversal = rules.reversalCredits && entry.batch.companyEntryDescription === 'REVERSAL';
    const direction = reversal ? 'credit' : rules.direction;
    if (((flags & TX_CREDIT) !== 0) !== (direction === 'credit')) {
      report(lineNo, 'entry_detail', 'transaction_code', 'invalid_transaction_code', `transaction code ${code} is a ${(flags & TX_CREDIT) !== 0 ? 'credit' : 'debit'}; ${rules.sec} entries${reversal ? ' of a REVERSAL batch' : ''} are ${direction}s only${(flags & TX_RETURN_OR_NOC) !== 0 ? ' (returns included)' : ''}`);
    }
  }
  // Prenote and zero-dollar codes already require 0 (amount_must_be_zero from the entry detail).
  if (rules.zeroAmount && codeAllowed && entry.amount !== 0 && (flags & (TX_PRENOTE | TX_ZERO_DOLLAR)) === 0) {
    report(lineNo, 'entry_detail', 'amount', 'amount_must_be_zero', `${rules.sec} entries carry no money but the amount is ${entry.amount} cents`);
  }
  if (rules.positiveAmount && entry.amount === 0) {
    report(lineNo, 'entry_detail', 'amount', 'invalid_value', `${rules.sec} entries move money: the amount must be above 0`);
  }
  if (rules.maxAmount > 0 && entry.amount > rules.maxAmount) {
    report(lineNo, 'entry_detail', 'amount', 'amount_over_limit', `${rules.sec} entries are at most ${cents(rules.maxAmount)}; this one is ${cents(entry.amount)}`);
  }
  if (rules.checkSerialRequired && isBlank(line, 39, 54)) {
    report(lineNo, 'entry_detail', 'individual_identification_number', 'required_field', `${rules.sec} entries carry the check serial number (positions 40-54); it is blank`);
  }
  if (rules.cardTransactionType && !CARD_TRANSACTION_TYPES.has(line.slice(76, 78))) {
    report(lineNo, 'entry_detail', 'discretionary_data', 'invalid_value', `${rules.sec} entries carry a card transaction type code in positions 77-78 (01, 02, 03, 11, 12, 13, 21 or 99), got "${line.slice(76, 78)}"`);
  }
  if (rules.cardExpirationDate) {
    // moov-io/ach accepts expiration years 18-50 (2018-2050).
    const month = line.slice(39, 41);
    const year = line.slice(41, 43);
    if (!/^(0[1-9]|1[0-2])$/.test(month) || !/^[0-9]{2}$/.test(year) || year < '18' || year > '50') {
      report(lineNo, 'entry_detail', 'individual_identification_number', 'invalid_date', `${rules.sec} card expiration date (positions 40-43) must be MMYY, month 01-12 and year 18-50, got "${line.slice(39, 43)}"`);
    }
  }
  if (rules.checkTruncationFieldsRequired) {
    if (isBlank(line, 54, 60)) report(lineNo, 'entry_detail', 'process_control_field', 'required_field', `${rules.sec} entries carry a process control field (positions 55-60); it is blank`);
    if (isBlank(line, 60, 76)) report(lineNo, 'entry_detail', 'item_research_number', 'required_field', `${rules.sec} entries carry an item research number (positions 61-76); it is blank`);
  }
}

/** Addenda rules, once all the entry's addenda are in. Returns and NOCs carry their own addenda instead. */
export function checkSecAddenda(entry: NachaEntry, rules: SecRules, ctx: RecordContext): void {
  if (rules.maxAddenda05 === 0 && !rules.addenda02Required && !rules.addenda05Required) return;
  const forward = !entry.isReturn && !entry.isNotificationOfChange;
  let count02 = 0;
  let count05 = 0;
  for (const addenda of entry.addenda) {
    if (addenda.type === '02') {
      count02++;
      if (forward && rules.terminalStateRequired && !US_STATES.has(addenda.terminalState.toUpperCase())) {
        ctx.report(addenda.line, 'addenda_02', 'terminal_state', 'invalid_value', `terminal state "${addenda.terminalState}" is not a US state or territory`);
      }
    } else if (addenda.type === '05') count05++;
  }
  if (rules.maxAddenda05 > 0 && count05 > rules.maxAddenda05) {
    ctx.report(entry.line, 'entry_detail', 'addenda_record_indicator', 'too_many_addenda', `a ${rules.sec} entry carries at most ${rules.maxAddenda05} addenda 05; this one has ${count05}`);
  }
  if (forward && rules.addenda02Required && count02 === 0) {
    ctx.report(entry.line, 'entry_detail', 'addenda_record_indicator', 'missing_addenda', `a ${rules.sec} entry needs an addenda 02 (terminal information); none follows`);
  }
  if (forward && rules.addenda05Required && count05 === 0) {
    ctx.report(entry.line, 'entry_detail', 'addenda_record_indicator', 'missing_addenda', `a ${rules.sec} entry needs an addenda 05; none follows`);
  }
}
