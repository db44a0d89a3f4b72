// Addenda type 98: notification of change (NOC). The RDFI tells the originator that a field of an earlier
// entry was wrong and what it should be; the entry it follows moves no money.

import type { Layout } from '../fields.js';
import { isBlank, isDigits, text } from '../fields.js';
import { isChangeCode } from '../reason-codes.js';
import type { NachaAddenda98 } from '../types.js';
import type { RecordContext } from './context.js';

export const ADDENDA_98_LAYOUT: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"7"', description: 'Record type code' },
  { name: 'addenda_type_code', start: 2, end: 3, format: '"98"', description: 'Addenda type code' },
  { name: 'change_code', start: 4, end: 6, format: 'Cnn', description: 'What changed, e.g. C01 account number, C02 routing number' },
  { name: 'original_entry_trace_number', start: 7, end: 21, format: 'N', description: 'Trace number of the entry being corrected' },
  { name: 'reserved', start: 22, end: 27, format: 'blank', description: 'Reserved' },
  { name: 'original_receiving_dfi_identification', start: 28, end: 35, format: 'TTTTAAAA', description: 'RDFI of the original entry' },
  { name: 'corrected_data', start: 36, end: 64, format: 'AN', description: 'The correct value (kept only when it holds no account number)' },
  { name: 'reserved_2', start: 65, end: 79, format: 'blank', description: 'Reserved' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'Trace number of this NOC entry' },
];

const R = 'addenda_98';

/** Change codes whose corrected data contains the (new) DFI account number. */
const ACCOUNT_CHANGE_CODES: ReadonlySet<string> = new Set(['C01', 'C03', 'C06', 'C07']);

export function parseAddenda98(line: string, lineNo: number, ctx: RecordContext): NachaAddenda98 {
  const changeCode = line.slice(3, 6);
  if (line.charCodeAt(3) !== 67 || !isDigits(line, 4, 6)) {
    ctx.report(lineNo, R, 'change_code', 'invalid_value', `change code (positions 4-6) must be C followed by two digits, got "${changeCode}"`);
  } else if (!isChangeCode(changeCode)) {
    ctx.report(lineNo, R, 'change_code', 'unknown_change_code', `change code ${changeCode} (positions 4-6) is not a NACHA change code (C01-C14, refused C61-C69)`);
  }
  // A notification of change without the corrected value tells the originator nothing to correct.
  if (isBlank(line, 35, 64)) ctx.report(lineNo, R, 'corrected_data', 'required_field', 'corrected data (positions 36-64) is blank');
  if (!isDigits(line, 6, 21)) ctx.report(lineNo, R, 'original_entry_trace_number', 'invalid_numeric', 'original entry trace number (positions 7-21) must be fifteen digits');
  if (!isDigits(line, 79, 94)) ctx.report(lineNo, R, 'trace_number', 'invalid_numeric', 'trace number (positions 80-94) must be fifteen digits');
  const holdsAccount = ACCOUNT_CHANGE_CODES.has(changeCode);
  return {
    type: '98',
    line: lineNo,
    changeCode,
    originalEntryTraceNumber: line.slice(6, 21),
    originalReceivingDfiIdentification: line.slice(27, 35),
    correctedData: holdsAccount && !ctx.options.includeAccountNumber ? null : text(line, 35, 64),
    traceNumber: line.slice(79, 94),
  };
}
