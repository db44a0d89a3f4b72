// Record type 9: File Control. Closes the file with counts, entry hash and totals over all batches.
// The ADV layout has 20-digit totals. Everything after the totals is reserved, which is why a file
// control whose trailing blanks were stripped loses nothing (see MIN_FILE_CONTROL_LENGTH).

import type { Layout } from '../fields.js';
import { bigDigits, digits } from '../fields.js';
import type { NachaFileControl } from '../types.js';
import type { RecordContext } from './context.js';

const HEAD: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"9"', description: 'Record type code' },
  { name: 'batch_count', start: 2, end: 7, format: 'N', description: 'Number of batches' },
  { name: 'block_count', start: 8, end: 13, format: 'N', description: 'Number of ten-record blocks, padding included: ceil(records / 10)' },
  { name: 'entry_addenda_count', start: 14, end: 21, format: 'N', description: 'Entry detail plus addenda records in the file' },
  { name: 'entry_hash', start: 22, end: 31, format: 'N', description: 'Sum of all entries\' RDFI identifications, last ten digits' },
];

export const FILE_CONTROL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'total_debit_entry_dollar_amount', start: 32, end: 43, format: 'N', description: 'Sum of debit amounts, cents' },
  { name: 'total_credit_entry_dollar_amount', start: 44, end: 55, format: 'N', description: 'Sum of credit amounts, cents' },
  { name: 'reserved', start: 56, end: 94, format: 'blank', description: 'Reserved (may be missing: see short records)' },
];

export const ADV_FILE_CONTROL_LAYOUT: Layout = [
  ...HEAD,
  { name: 'total_debit_entry_dollar_amount', start: 32, end: 51, format: 'N', description: 'Sum of debit advices, cents (20 digits)' },
  { name: 'total_credit_entry_dollar_amount', start: 52, end: 71, format: 'N', description: 'Sum of credit advices, cents (20 digits)' },
  { name: 'reserved', start: 72, end: 94, format: 'blank', description: 'Reserved (may be missing: see short records)' },
];

const R = 'file_control';

export function parseFileControl(line: string, lineNo: number, isAdv: boolean, ctx: RecordContext): NachaFileControl {
  const { report } = ctx;
  const batchCount = digits(line, 1, 7);
  if (batchCount < 0) report(lineNo, R, 'batch_count', 'invalid_numeric', 'batch count (positions 2-7) must be six digits');
  const blockCount = digits(line, 7, 13);
  if (blockCount < 0) report(lineNo, R, 'block_count', 'invalid_numeric', 'block count (positions 8-13) must be six digits');
  const entryAddendaCount = digits(line, 13, 21);
  if (entryAddendaCount < 0) report(lineNo, R, 'entry_addenda_count', 'invalid_numeric', 'entry/addenda count (positions 14-21) must be eight digits');
  const entryHash = digits(line, 21, 31);
  if (entryHash < 0) report(lineNo, R, 'entry_hash', 'invalid_numeric', 'entry hash (positions 22-31) must be ten digits');
  const debitEnd = isAdv ? 51 : 43;
  const creditEnd = isAdv ? 71 : 55;
  const totalDebitAmount = bigDigits(line, 31, debitEnd);
  if (totalDebitAmount < 0n) report(lineNo, R, 'total_debit_entry_dollar_amount', 'invalid_numeric', `total debit amount (positions 32-${debitEnd}) must be digits`);
  const totalCreditAmount = bigDigits(line, debitEnd, creditEnd);
  if (totalCreditAmount < 0n) report(lineNo, R, 'total_credit_entry_dollar_amount', 'invalid_numeric', `total credit amount (positions ${debitEnd + 1}-${creditEnd}) must be digits`);
  return { line: lineNo, batchCount, blockCount, entryAddendaCount, entryHash, totalDebitAmount, totalCreditAmount };
}
