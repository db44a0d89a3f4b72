// Addenda type 99: returns. The return reason code decides the layout: R61-R70 are dishonored returns
// (the ODFI refusing a return), R71-R77 contested dishonored returns (the RDFI contesting that), any
// other code a plain return.

import type { Layout } from '../fields.js';
import { digits, isDigits, text } from '../fields.js';
import { isReturnReasonCode } from '../reason-codes.js';
import type { NachaAddenda99 } from '../types.js';
import type { RecordContext } from './context.js';

const HEAD: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"7"', description: 'Record type code' },
  { name: 'addenda_type_code', start: 2, end: 3, format: '"99"', description: 'Addenda type code' },
  { name: 'return_reason_code', start: 4, end: 6, format: 'Rnn', description: 'Return reason code, e.g. R01 insufficient funds' },
  { name: 'original_entry_trace_number', start: 7, end: 21, format: 'N', description: 'Trace number of the returned entry' },
];

export const ADDENDA_99_LAYOUT: Layout = [
  ...HEAD,
  { name: 'date_of_death', start: 22, end: 27, format: 'YYMMDD', description: 'For R14/R15, else blank' },
  { name: 'original_receiving_dfi_identification', start: 28, end: 35, format: 'TTTTAAAA', description: 'RDFI of the original entry' },
  { name: 'addenda_information', start: 36, end: 79, format: 'AN', description: 'Free text' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'Trace number of this return entry' },
];

export const ADDENDA_99_DISHONORED_LAYOUT: Layout = [
  ...HEAD,
  { name: 'reserved', start: 22, end: 27, format: 'blank', description: 'Reserved' },
  { name: 'original_receiving_dfi_identification', start: 28, end: 35, format: 'TTTTAAAA', description: 'RDFI of the original entry' },
  { name: 'reserved_2', start: 36, end: 38, format: 'blank', description: 'Reserved' },
  { name: 'return_trace_number', start: 39, end: 53, format: 'N', description: 'Trace number of the return being dishonored' },
  { name: 'return_settlement_date', start: 54, end: 56, format: 'JJJ', description: 'Settlement day of that return' },
  { name: 'original_return_reason_code', start: 57, end: 58, format: 'NN', description: 'Its reason code, without the R' },
  { name: 'addenda_information', start: 59, end: 79, format: 'AN', description: 'Free text' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'Trace number of this entry' },
];

export const ADDENDA_99_CONTESTED_LAYOUT: Layout = [
  ...HEAD,
  { name: 'date_original_entry_returned', start: 22, end: 27, format: 'YYMMDD', description: 'When the original entry was returned' },
  { name: 'original_receiving_dfi_identification', start: 28, end: 35, format: 'TTTTAAAA', description: 'RDFI of the original entry' },
  { name: 'original_settlement_date', start: 36, end: 38, format: 'JJJ', description: 'Settlement day of the original entry' },
  { name: 'return_trace_number', start: 39, end: 53, format: 'N', description: 'Trace number of the return' },
  { name: 'return_settlement_date', start: 54, end: 56, format: 'JJJ', description: 'Settlement day of the return' },
  { name: 'original_return_reason_code', start: 57, end: 58, format: 'NN', description: 'Return reason code, without the R' },
  { name: 'dishonored_return_trace_number', start: 59, end: 73, format: 'N', description: 'Trace number of the dishonored return' },
  { name: 'dishonored_return_settlement_date', start: 74, end: 76, format: 'JJJ', description: 'Its settlement day' },
  { name: 'dishonored_return_reason_code', start: 77, end: 78, format: 'NN', description: 'Its reason code, without the R' },
  { name: 'reserved', start: 79, end: 79, format: 'blank', description: 'Reserved' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'Trace number of this entry' },
];

const R = 'addenda_99';

export function addenda99Kind(line: string): NachaAddenda99['kind'] {
  const n = line.charCodeAt(3) === 82 ? digits(line, 4, 6) : -1;
  if (n >= 61 && n <= 70) return 'dishonored_return';
  if (n >= 71 && n <= 77) return 'contested_dishonored_return';
  return 'return';
}

export function layoutOfAddenda99(line: string): Layout {
  const kind = addenda99Kind(line);
  return kind === 'return' ? ADDENDA_99_LAYOUT : kind === 'dishonored_return' ? ADDENDA_99_DISHONORED_LAYOUT : ADDENDA_99_CONTESTED_LAYOUT;
}

export function parseAddenda99(line: string, lineNo: number, ctx: RecordContext): NachaAddenda99 {
  const code = line.slice(3, 6);
  if (line.charCodeAt(3) !== 82 || !isDigits(line, 4, 6)) {
    ctx.report(lineNo, R, 'return_reason_code', 'invalid_value', `return reason code (positions 4-6) must be R followed by two digits, got "${code}"`);
  } else if (!isReturnReasonCode(code)) {
    ctx.report(lineNo, R, 'return_reason_code', 'unknown_return_reason_code', `return reason code ${code} (positions 4-6) is not a NACHA return reason code`);
  }
  if (!isDigits(line, 6, 21)) ctx.report(lineNo, R, 'original_entry_trace_number', 'invalid_numeric', 'original entry trace number (positions 7-21) must be fifteen digits');
  if (!isDigits(line, 79, 94)) ctx.report(lineNo, R, 'trace_number', 'invalid_numeric', 'trace number (positions 80-94) must be fifteen digits');
  const kind = addenda99Kind(line);
  const base: NachaAddenda99 = {
    type: '99',
    line: lineNo,
    kind,
    returnReasonCode: code,
    originalEntryTraceNumber: line.slice(6, 21),
    dateOfDeath: kind === 'return' ? text(line, 21, 27) : '',
    originalReceivingDfiIdentification: line.slice(27, 35),
    addendaInformation: kind === 'return' ? text(line, 35, 79) : kind === 'dishonored_return' ? text(line, 58, 79) : '',
    traceNumber: line.slice(79, 94),
    dishonored: null,
    contested: null,
  };
  if (kind === 'dishonored_return') {
    base.dishonored = {
      returnTraceNumber: line.slice(38, 53),
      returnSettlementDate: text(line, 53, 56),
      returnReasonCode: line.slice(56, 58),
    };
  } else if (kind === 'contested_dishonored_return') {
    const contested = {
      dateOriginalEntryReturned: text(line, 21, 27),
      originalSettlementDate: text(line, 35, 38),
      returnTraceNumber: line.slice(38, 53),
      returnSettlementDate: text(line, 53, 56),
      returnReasonCode: line.slice(56, 58),
      dishonoredReturnTraceNumber: line.slice(58, 73),
      dishonoredReturnSettlementDate: text(line, 73, 76),
      dishonoredReturnReasonCode: line.slice(76, 78),
    };
    base.contested = contested;
    base.dishonored = { returnTraceNumber: contested.returnTraceNumber, returnSettlementDate: contested.returnSettlementDate, returnReasonCode: contested.returnReasonCode };
  }
  return base;
}
