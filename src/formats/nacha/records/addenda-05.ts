// Addenda type 05: free-form payment related information (remittance data; ANSI X12 segments in CTX).
// Hot in CTX/CCD files (one per entry or more), so it is read with as few slices as possible.

import type { Layout } from '../fields.js';
import { digits, text } from '../fields.js';
import type { NachaAddenda05 } from '../types.js';
import type { RecordContext } from './context.js';

export const ADDENDA_05_LAYOUT: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"7"', description: 'Record type code' },
  { name: 'addenda_type_code', start: 2, end: 3, format: '"05"', description: 'Addenda type code' },
  { name: 'payment_related_information', start: 4, end: 83, format: 'AN', description: 'Remittance information' },
  { name: 'addenda_sequence_number', start: 84, end: 87, format: 'N', description: 'Counts 1, 2, ... within the entry; verified' },
  { name: 'entry_detail_sequence_number', start: 88, end: 94, format: 'N', description: 'Last seven digits of the entry trace number; verified' },
];

const R = 'addenda_05';

export function parseAddenda05(line: string, lineNo: number, ctx: RecordContext): NachaAddenda05 {
  const sequenceNumber = digits(line, 83, 87);
  if (sequenceNumber < 0) ctx.report(lineNo, R, 'addenda_sequence_number', 'invalid_numeric', 'addenda sequence number (positions 84-87) must be four digits');
  const entryDetailSequenceNumber = digits(line, 87, 94);
  if (entryDetailSequenceNumber < 0) ctx.report(lineNo, R, 'entry_detail_sequence_number', 'invalid_numeric', 'entry detail sequence number (positions 88-94) must be seven digits');
  return {
    type: '05',
    line: lineNo,
    paymentRelatedInformation: text(line, 3, 83),
    sequenceNumber,
    entryDetailSequenceNumber,
  };
}
