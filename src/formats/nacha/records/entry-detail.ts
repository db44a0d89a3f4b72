// Record type 6: Entry Detail, one payment. Three physical layouts: the standard one (every SEC code but
// ADV and IAT, with SEC-specific use of positions 40-78), ADV (wider amount, no trace number) and IAT
// (foreign account number, receiver data moved to addenda). This is the hot path of the parser: one call
// per entry, reading the line by position with no regex and one allocated object.

import type { Layout } from '../fields.js';
import { abaCheckDigit, abaCheckDigitValid, digits, isDigits, lastFourOf, text } from '../fields.js';
import type { EntryVariant } from '../sec-codes.js';
import {
  accountTypeOf,
  guessedTransactionCodeFlags,
  transactionCodeFlags,
  TX_ADV,
  TX_CREDIT,
  TX_PRENOTE,
  TX_ZERO_DOLLAR,
} from '../transaction-codes.js';
import type { NachaBatchHeader, NachaEntry } from '../types.js';
import type { RecordContext } from './context.js';

const HEAD: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"6"', description: 'Record type code' },
  { name: 'transaction_code', start: 2, end: 3, format: 'N', description: 'Account type (first digit) and what the entry does (second digit); see the transaction code table' },
  { name: 'rdfi_identification', start: 4, end: 11, format: 'TTTTAAAA', description: 'Receiving DFI routing number without check digit; summed into the entry hash' },
  { name: 'check_digit', start: 12, end: 12, format: 'N', description: 'Routing number check digit (ABA mod-10), verified' },
];

export const ENTRY_DETAIL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'dfi_account_number', start: 13, end: 29, format: 'AN', description: 'Receiver\'s account number; required; only the last four characters are kept' },
  { name: 'amount', start: 30, end: 39, format: 'N', description: 'Amount in cents ($$$$$$$$cc)' },
  { name: 'individual_identification_number', start: 40, end: 54, format: 'AN', description: 'Receiver identification (see the SEC variants for 40-78)' },
  { name: 'individual_name', start: 55, end: 76, format: 'AN', description: 'Receiver name (see the SEC variants for 40-78)' },
  { name: 'discretionary_data', start: 77, end: 78, format: 'AN', description: 'For the ODFI\'s use' },
  { name: 'addenda_record_indicator', start: 79, end: 79, format: '0, 1', description: '1 when addenda records follow' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'ODFI identification (8) + sequence (7); ascending within the batch' },
];

/** CTX, ATX and TRX split 40-78 differently; only these names differ from the standard layout. */
export const CTX_ENTRY_FIELDS: Layout = [
  { name: 'individual_identification_number', start: 40, end: 54, format: 'AN', description: 'Identification number' },
  { name: 'number_of_addenda_records', start: 55, end: 58, format: 'N', description: 'Count of the addenda 05 records that follow; verified' },
  { name: 'individual_name', start: 59, end: 74, format: 'AN', description: 'Receiving company name' },
  { name: 'reserved', start: 75, end: 76, format: 'blank', description: 'Reserved' },
];

export const ADV_ENTRY_DETAIL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'dfi_account_number', start: 13, end: 27, format: 'AN', description: 'Account number; required; only the last four characters are kept' },
  { name: 'amount', start: 28, end: 39, format: 'N', description: 'Amount in cents (12 digits)' },
  { name: 'advice_routing_number', start: 40, end: 48, format: 'N', description: 'Routing number of the DFI the advice is for' },
  { name: 'file_identification', start: 49, end: 53, format: 'AN', description: 'File identification' },
  { name: 'ach_operator_data', start: 54, end: 54, format: 'AN', description: 'ACH operator data' },
  { name: 'individual_name', start: 55, end: 76, format: 'AN', description: 'Name' },
  { name: 'discretionary_data', start: 77, end: 78, format: 'AN', description: 'Discretionary data' },
  { name: 'addenda_record_indicator', start: 79, end: 79, format: '0, 1', description: '1 when addenda records follow' },
  { name: 'ach_operator_routing_number', start: 80, end: 87, format: 'TTTTAAAA', description: 'ACH operator routing number; with 88-94 it serves as the trace number' },
  { name: 'julian_day', start: 88, end: 90, format: 'JJJ', description: 'Julian day the advice was created' },
  { name: 'sequence_number', start: 91, end: 94, format: 'N', description: 'Sequence number within the batch' },
];

export const IAT_ENTRY_DETAIL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'number_of_addenda_records', start: 13, end: 16, format: 'N', description: 'Number of addenda records (generators count only the mandatory seven, so it is not compared)' },
  { name: 'reserved', start: 17, end: 29, format: 'blank', description: 'Reserved' },
  { name: 'amount', start: 30, end: 39, format: 'N', description: 'Amount in cents' },
  { name: 'dfi_account_number', start: 40, end: 74, format: 'AN', description: 'Foreign receiver\'s account number; required; only the last four characters are kept' },
  { name: 'reserved_2', start: 75, end: 76, format: 'blank', description: 'Reserved' },
  { name: 'gateway_operator_ofac_screening_indicator', start: 77, end: 77, format: 'AN', description: 'OFAC screening indicator' },
  { name: 'secondary_ofac_screening_indicator', start: 78, end: 78, format: 'AN', description: 'Secondary OFAC screening indicator' },
  { name: 'addenda_record_indicator', start: 79, end: 79, format: '"1"', description: 'Always 1: IAT entries carry at least seven addenda' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'ODFI identification (8) + sequence (7)' },
];

export function layoutForVariant(variant: EntryVariant): Layout {
  return variant === 'iat' ? IAT_ENTRY_DETAIL_LAYOUT : variant === 'adv' ? ADV_ENTRY_DETAIL_LAYOUT : ENTRY_DETAIL_LAYOUT;
}

const R = 'entry_detail';

export function parseEntryDetail(
  line: string,
  lineNo: number,
  batch: NachaBatchHeader,
  variant: EntryVariant,
  ctx: RecordContext,
): NachaEntry {
  const { report, warn, options } = ctx;
  const isAdv = variant === 'adv';

  const code = digits(line, 1, 3);
  let flags = transactionCodeFlags(code);
  const known = flags !== 0;
  // A rejected unknown code is reported once; the checks that depend on its meaning are skipped.
  let checkMeaning = known;
  if (!known) {
    // Even when rejected, the last digit's usual meaning places the amount on a side, so that a file
    // which only misuses a code does not also report control totals off by that amount.
    flags = guessedTransactionCodeFlags(code);
    if (!options.allowUnknownTransactionCodes || flags === 0) {
      report(lineNo, R, 'transaction_code', 'invalid_transaction_code', `transaction code "${line.slice(1, 3)}" is not a NACHA transaction code`);
    } else {
      checkMeaning = true;
    }
  } else if (((flags & TX_ADV) !== 0) !== isAdv) {
    report(lineNo, R, 'transaction_code', 'invalid_transaction_code', isAdv ? `transaction code ${code} is not an ADV code (81-88)` : `transaction code ${code} is only allowed in ADV batches`);
  }
  const isCredit = (flags & TX_CREDIT) !== 0;
  // The transaction code, not the service class, decides the side an amount is counted on, and the
  // controls are still verified: a mislabelled batch is a warning.
  if (checkMeaning) {
    if (batch.serviceClassCode === 220 && !isCredit) {
      warn(lineNo, R, 'transaction_code', 'service_class_mismatch', `transaction code ${code} is a debit in a credits-only batch (service class 220)`);
    } else if (batch.serviceClassCode === 225 && isCredit) {
      warn(lineNo, R, 'transaction_code', 'service_class_mismatch', `transaction code ${code} is a credit in a debits-only batch (service class 225)`);
    }
  }

  const routingOk = isDigits(line, 3, 12);
  if (!routingOk) {
    report(lineNo, R, isDigits(line, 3, 11) ? 'check_digit' : 'rdfi_identification', 'invalid_numeric', 'RDFI routing number (positions 4-12) must be nine digits');
  } else if (!options.skipCheckDigit && !abaCheckDigitValid(line, 3)) {
    report(lineNo, R, 'check_digit', 'invalid_check_digit', `check digit ${line[11] ?? ''} does not match RDFI identification ${line.slice(3, 11)}: the ABA mod-10 rule gives ${abaCheckDigit(line.slice(3, 11))}`);
  }

  const accountStart = variant === 'iat' ? 39 : 12;
  const accountEnd = variant === 'iat' ? 74 : isAdv ? 27 : 29;
  const accountLast4 = lastFourOf(line, accountStart, accountEnd);
  if (accountLast4.length === 0) {
    report(lineNo, R, 'dfi_account_number', 'required_field', `DFI account number (positions ${accountStart + 1}-${accountEnd}) is blank`);
  }

  const amountStart = isAdv ? 27 : 29;
  let amount = digits(line, amountStart, 39);
  if (amount < 0) {
    report(lineNo, R, 'amount', 'invalid_numeric', `amount (positions ${amountStart + 1}-39) must be digits (cents)`);
    amount = 0;
  } else if (amount !== 0) {
    if (checkMeaning && (flags & (TX_PRENOTE | TX_ZERO_DOLLAR)) !== 0) {
      report(lineNo, R, 'amount', 'amount_must_be_zero', `transaction code ${code} is a ${(flags & TX_PRENOTE) !== 0 ? 'prenote' : 'zero-dollar entry'} but the amount is ${amount} cents`);
    } else if (batch.secCode === 'COR') {
      // A COR entry never becomes a record, whatever its amount; the amount still counts in the controls.
      warn(lineNo, R, 'amount', 'amount_on_notification_of_change', `a notification of change (COR) carries no money but the amount is ${amount} cents`);
    }
  }

  const indicator = line.charCodeAt(78) - 48;
  if (indicator !== 0 && indicator !== 1) {
    report(lineNo, R, 'addenda_record_indicator', 'invalid_value', 'addenda record indicator (position 79) must be 0 or 1');
  }
  // The trace number (80-94) is checked by the parser, which also orders it within the batch.

  let individualName = '';
  let individualIdentification = '';
  let discretionaryData = '';
  let adv: NachaEntry['adv'] = null;
  switch (variant) {
    case 'standard':
      individualIdentification = text(line, 39, 54);
      individualName = text(line, 54, 76);
      discretionaryData = text(line, 76, 78);
      break;
    case 'ctx':
      individualIdentification = text(line, 39, 54);
      if (!isDigits(line, 54, 58)) report(lineNo, R, 'number_of_addenda_records', 'invalid_numeric', 'number of addenda records (positions 55-58) must be four digits');
      individualName = text(line, 58, 74);
      discretionaryData = text(line, 76, 78);
      break;
    case 'cie':
      individualName = text(line, 39, 54);
      individualIdentification = text(line, 54, 76);
      discretionaryData = text(line, 76, 78);
      break;
    case 'check_truncation':
      individualIdentification = text(line, 39, 54);
      discretionaryData = text(line, 76, 78);
      break;
    case 'shr':
      // 55-76 is the card account number: never read into the entry.
      individualIdentification = text(line, 43, 54);
      discretionaryData = text(line, 76, 78);
      break;
    case 'adv':
      individualName = text(line, 54, 76);
      discretionaryData = text(line, 76, 78);
      adv = {
        adviceRoutingNumber: line.slice(39, 48),
        fileIdentification: text(line, 48, 53),
        achOperatorData: text(line, 53, 54),
        achOperatorRoutingNumber: line.slice(79, 87),
        julianDay: line.slice(87, 90),
        sequenceNumber: line.slice(90, 94),
      };
      break;
    case 'iat':
      if (!isDigits(line, 12, 16)) report(lineNo, R, 'number_of_addenda_records', 'invalid_numeric', 'number of addenda records (positions 13-16) must be four digits');
      if (indicator === 0) report(lineNo, R, 'addenda_record_indicator', 'invalid_value', 'IAT entries always have addenda: the indicator must be 1');
      break;
  }

  const entry: NachaEntry = {
    line: lineNo,
    batch,
    transactionCode: code,
    accountType: !known ? 'unknown' : (flags & TX_ADV) !== 0 ? 'accounting' : accountTypeOf(code),
    direction: isCredit || flags === 0 ? 'credit' : 'debit',
    amount,
    isPrenote: (flags & TX_PRENOTE) !== 0,
    isZeroAmount: amount === 0,
    isNotificationOfChange: batch.secCode === 'COR',
    isReturn: false,
    isMonetary: false,
    rdfiRoutingNumber: line.slice(3, 12),
    accountLast4,
    individualName,
    individualIdentification,
    discretionaryData,
    addendaRecordIndicator: indicator === 1 ? 1 : 0,
    traceNumber: line.slice(79, 94),
    addenda: [],
    paymentRelatedInformation: null,
    returnReasonCode: null,
    changeCode: null,
    originatorName: null,
    adv,
  };
  if (options.includeAccountNumber) entry.dfiAccountNumber = text(line, accountStart, accountEnd);
  return entry;
}

/** Whether the CTX/ATX/TRX "number of addenda records" field (55-58) is usable, and its value. */
export function declaredAddendaCount(line: string): number {
  return digits(line, 54, 58);
}

