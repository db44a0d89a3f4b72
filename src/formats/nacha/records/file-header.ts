// Record type 1: File Header. One per file, first record; identifies sender, receiver and the file itself
// (origin + creation date/time + modifier is NACHA's duplicate-file key).

import type { Layout } from '../fields.js';
import { abaCheckDigitValid, digits, hhmm, INVALID_DATE, isBlank, isDigits, text, yymmdd } from '../fields.js';
import type { NachaFileHeader } from '../types.js';
import type { RecordContext } from './context.js';

export const FILE_HEADER_LAYOUT: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"1"', description: 'Record type code' },
  { name: 'priority_code', start: 2, end: 3, format: 'N', description: 'Priority code, normally 01' },
  { name: 'immediate_destination', start: 4, end: 13, format: 'bTTTTAAAAC', description: 'Routing number of the receiving point, blank (or 0) then nine digits; check digit verified' },
  { name: 'immediate_origin', start: 14, end: 23, format: 'bTTTTAAAAC or NNNNNNNNNN', description: 'Routing number (blank then nine digits) or ten-digit company number of the sending point; not all zeros' },
  { name: 'file_creation_date', start: 24, end: 29, format: 'YYMMDD', description: 'Date the file was created; required' },
  { name: 'file_creation_time', start: 30, end: 33, format: 'HHMM', description: 'Time the file was created; optional (blank)' },
  { name: 'file_id_modifier', start: 34, end: 34, format: 'A-Z, 0-9', description: 'Distinguishes files created the same day by the same origin' },
  { name: 'record_size', start: 35, end: 37, format: '"094"', description: 'Characters per record' },
  { name: 'blocking_factor', start: 38, end: 39, format: '"10"', description: 'Records per block' },
  { name: 'format_code', start: 40, end: 40, format: '"1"', description: 'Format code' },
  { name: 'immediate_destination_name', start: 41, end: 63, format: 'AN', description: 'Name of the receiving point' },
  { name: 'immediate_origin_name', start: 64, end: 86, format: 'AN', description: 'Name of the sending point' },
  { name: 'reference_code', start: 87, end: 94, format: 'AN', description: 'For the originator\'s own use' },
];

const R = 'file_header';

export function parseFileHeader(line: string, lineNo: number, ctx: RecordContext): NachaFileHeader {
  const { report, options } = ctx;

  if (!isDigits(line, 1, 3)) report(lineNo, R, 'priority_code', 'invalid_numeric', 'priority code (positions 2-3) must be two digits');

  const destinationLead = line.charCodeAt(3);
  if ((destinationLead !== 32 && destinationLead !== 48) || !isDigits(line, 4, 13)) {
    report(lineNo, R, 'immediate_destination', 'invalid_numeric', `immediate destination (positions 4-13) must be a blank or 0 followed by a nine-digit routing number, got "${line.slice(3, 13)}"`);
  } else if (!options.skipCheckDigit && !abaCheckDigitValid(line, 4)) {
    report(lineNo, R, 'immediate_destination', 'invalid_check_digit', `immediate destination ${line.slice(4, 13)} fails the routing number check digit`);
  }

  const originLead = line.charCodeAt(13);
  const originDigits = isDigits(line, 14, 23) && (originLead === 32 || (originLead >= 48 && originLead <= 57));
  if (!originDigits) {
    report(lineNo, R, 'immediate_origin', 'invalid_numeric', `immediate origin (positions 14-23) must be a blank followed by a nine-digit routing number, or ten digits; got "${line.slice(13, 23)}"`);
  } else if (digits(line, 14, 23) === 0) {
    report(lineNo, R, 'immediate_origin', 'invalid_value', 'immediate origin must not be all zeros');
  }

  const creation = yymmdd(line, 23);
  if (creation === INVALID_DATE || creation === null) {
    report(lineNo, R, 'file_creation_date', creation === null ? 'required_field' : 'invalid_date', `file creation date (positions 24-29) must be a real YYMMDD date, got "${line.slice(23, 29)}"`);
  }
  const time = hhmm(line, 29);
  if (time === false) report(lineNo, R, 'file_creation_time', 'invalid_time', `file creation time (positions 30-33) must be HHMM or blank, got "${line.slice(29, 33)}"`);

  const modifier = line.charCodeAt(33);
  if (!((modifier >= 65 && modifier <= 90) || (modifier >= 48 && modifier <= 57))) {
    report(lineNo, R, 'file_id_modifier', isBlank(line, 33, 34) ? 'required_field' : 'invalid_value', 'file ID modifier (position 34) must be an uppercase letter or a digit');
  }
  const recordSize = line.slice(34, 37);
  if (recordSize !== '094') report(lineNo, R, 'record_size', 'invalid_value', `record size (positions 35-37) must be 094, got "${recordSize}"`);
  const blockingFactor = line.slice(37, 39);
  if (blockingFactor !== '10') report(lineNo, R, 'blocking_factor', 'invalid_value', `blocking factor (positions 38-39) must be 10, got "${blockingFactor}"`);
  const formatCode = line.slice(39, 40);
  if (formatCode !== '1') report(lineNo, R, 'format_code', 'invalid_value', `format code (position 40) must be 1, got "${formatCode}"`);

  return {
    line: lineNo,
    priorityCode: line.slice(1, 3),
    immediateDestination: line.slice(4, 13),
    immediateOrigin: text(line, 13, 23),
    fileCreationDate: typeof creation === 'string' ? creation : null,
    fileCreationDateRaw: line.slice(23, 29),
    fileCreationTime: time === false ? line.slice(29, 33) : time,
    fileIdModifier: line.slice(33, 34),
    recordSize,
    blockingFactor,
    formatCode,
    immediateDestinationName: text(line, 40, 63),
    immediateOriginName: text(line, 63, 86),
    referenceCode: text(line, 86, 94),
  };
}
