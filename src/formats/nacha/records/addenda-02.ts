// Addenda type 02: point-of-sale terminal data for POS, SHR and MTE entries (card and ATM transactions).

import type { Layout } from '../fields.js';
import { digits, isDigits, text } from '../fields.js';
import type { NachaAddenda02 } from '../types.js';
import type { RecordContext } from './context.js';

export const ADDENDA_02_LAYOUT: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"7"', description: 'Record type code' },
  { name: 'addenda_type_code', start: 2, end: 3, format: '"02"', description: 'Addenda type code' },
  { name: 'reference_information_1', start: 4, end: 10, format: 'AN', description: 'Reference information' },
  { name: 'reference_information_2', start: 11, end: 13, format: 'AN', description: 'Reference information' },
  { name: 'terminal_identification_code', start: 14, end: 19, format: 'AN', description: 'Terminal identification' },
  { name: 'transaction_serial_number', start: 20, end: 25, format: 'AN', description: 'Transaction serial number' },
  { name: 'transaction_date', start: 26, end: 29, format: 'MMDD', description: 'Date of the transaction; verified' },
  { name: 'authorization_code_or_card_expiration_date', start: 30, end: 35, format: 'AN', description: 'Authorization code or card expiration date' },
  { name: 'terminal_location', start: 36, end: 62, format: 'AN', description: 'Terminal street address' },
  { name: 'terminal_city', start: 63, end: 77, format: 'AN', description: 'Terminal city' },
  { name: 'terminal_state', start: 78, end: 79, format: 'AN', description: 'Terminal state' },
  { name: 'trace_number', start: 80, end: 94, format: 'N', description: 'Trace number of the entry' },
];

const R = 'addenda_02';

export function parseAddenda02(line: string, lineNo: number, ctx: RecordContext): NachaAddenda02 {
  const mmdd = digits(line, 25, 29);
  const month = Math.floor(mmdd / 100);
  const day = mmdd % 100;
  if (mmdd < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
    ctx.report(lineNo, R, 'transaction_date', 'invalid_date', `transaction date (positions 26-29) must be MMDD, got "${line.slice(25, 29)}"`);
  }
  if (!isDigits(line, 79, 94)) ctx.report(lineNo, R, 'trace_number', 'invalid_numeric', 'trace number (positions 80-94) must be fifteen digits');
  return {
    type: '02',
    line: lineNo,
    referenceInformation1: text(line, 3, 10),
    referenceInformation2: text(line, 10, 13),
    terminalIdentificationCode: text(line, 13, 19),
    transactionSerialNumber: text(line, 19, 25),
    transactionDate: line.slice(25, 29),
    authorizationCodeOrExpireDate: text(line, 29, 35),
    terminalLocation: text(line, 35, 62),
    terminalCity: text(line, 62, 77),
    terminalState: text(line, 77, 79),
    traceNumber: line.slice(79, 94),
  };
}
