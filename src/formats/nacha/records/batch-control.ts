// Record type 8: Batch Control. Closes a batch with what its originator claims it holds: counts, entry
// hash and debit/credit totals, which the parser recomputes from the entries. ADV batches have wider
// (20-digit) totals in place of company identification and message authentication code.

import type { Layout } from '../fields.js';
import { bigDigits, digits, text } from '../fields.js';
import type { NachaBatchControl } from '../types.js';
import type { RecordContext } from './context.js';

const HEAD: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"8"', description: 'Record type code' },
  { name: 'service_class_code', start: 2, end: 4, format: 'N', description: 'Same as the batch header' },
  { name: 'entry_addenda_count', start: 5, end: 10, format: 'N', description: 'Entry detail plus addenda records in the batch' },
  { name: 'entry_hash', start: 11, end: 20, format: 'N', description: 'Sum of the entries\' eight-digit RDFI identifications, last ten digits' },
];
const TAIL: Layout = [
  { name: 'odfi_identification', start: 80, end: 87, format: 'TTTTAAAA', description: 'Same as the batch header' },
  { name: 'batch_number', start: 88, end: 94, format: 'N', description: 'Same as the batch header' },
];

export const BATCH_CONTROL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'total_debit_entry_dollar_amount', start: 21, end: 32, format: 'N', description: 'Sum of debit entry amounts, cents' },
  { name: 'total_credit_entry_dollar_amount', start: 33, end: 44, format: 'N', description: 'Sum of credit entry amounts, cents' },
  { name: 'company_identification', start: 45, end: 54, format: 'AN', description: 'Same as the batch header (not compared in IAT batches)' },
  { name: 'message_authentication_code', start: 55, end: 73, format: 'AN', description: 'MAC, usually blank' },
  { name: 'reserved', start: 74, end: 79, format: 'blank', description: 'Reserved' },
  ...TAIL,
];

export const ADV_BATCH_CONTROL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'total_debit_entry_dollar_amount', start: 21, end: 40, format: 'N', description: 'Sum of debit advices, cents (20 digits)' },
  { name: 'total_credit_entry_dollar_amount', start: 41, end: 60, format: 'N', description: 'Sum of credit advices, cents (20 digits)' },
  { name: 'ach_operator_data', start: 61, end: 79, format: 'AN', description: 'ACH operator data' },
  ...TAIL,
];

const R = 'batch_control';

export function parseBatchControl(line: string, lineNo: number, isAdv: boolean, ctx: RecordContext): NachaBatchControl {
  const { report } = ctx;
  const serviceClassCode = digits(line, 1, 4);
  if (serviceClassCode < 0) report(lineNo, R, 'service_class_code', 'invalid_numeric', 'service class code (positions 2-4) must be three digits');
  const entryAddendaCount = digits(line, 4, 10);
  if (entryAddendaCount < 0) report(lineNo, R, 'entry_addenda_count', 'invalid_numeric', 'entry/addenda count (positions 5-10) must be six digits');
  const entryHash = digits(line, 10, 20);
  if (entryHash < 0) report(lineNo, R, 'entry_hash', 'invalid_numeric', 'entry hash (positions 11-20) must be ten digits');
  const debitEnd = isAdv ? 40 : 32;
  const creditEnd = isAdv ? 60 : 44;
  const totalDebitAmount = bigDigits(line, 20, debitEnd);
  if (totalDebitAmount < 0n) report(lineNo, R, 'total_debit_entry_dollar_amount', 'invalid_numeric', `total debit amount (positions 21-${debitEnd}) must be digits`);
  const totalCreditAmount = bigDigits(line, debitEnd, creditEnd);
  if (totalCreditAmount < 0n) report(lineNo, R, 'total_credit_entry_dollar_amount', 'invalid_numeric', `total credit amount (positions ${debitEnd + 1}-${creditEnd}) must be digits`);
  const batchNumber = digits(line, 87, 94);
  if (batchNumber < 0) report(lineNo, R, 'batch_number', 'invalid_numeric', 'batch number (positions 88-94) must be seven digits');
  return {
    line: lineNo,
    serviceClassCode,
    entryAddendaCount,
    entryHash,
    totalDebitAmount,
    totalCreditAmount,
    companyIdentification: isAdv ? '' : text(line, 44, 54),
    messageAuthenticationCode: isAdv ? '' : text(line, 54, 73),
    achOperatorData: isAdv ? text(line, 60, 79) : '',
    odfiIdentification: line.slice(79, 87),
    batchNumber,
  };
}
