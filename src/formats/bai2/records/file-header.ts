// 01 File Header: who sent the file to whom, when, and its identification number.

import { count, hhmm, INVALID, yymmdd } from '../fields.js';
import type { Layout } from '../layout.js';
import type { Bai2FileHeader } from '../types.js';
import type { RecordContext } from './context.js';

export const FILE_HEADER: Layout = {
  code: '01',
  title: '01 File Header',
  fields: [
    { name: 'sender_identification', presence: 'required', description: 'Who sent the file (bank routing number or other identifier)' },
    { name: 'receiver_identification', presence: 'required', description: 'Who the file is for' },
    { name: 'file_creation_date', presence: 'required', description: 'YYMMDD, a real date' },
    { name: 'file_creation_time', presence: 'required', description: 'HHMM (0000-2359, 2400 or 9999)' },
    { name: 'file_identification_number', presence: 'required', description: 'Unique per sender, creation date and receiver' },
    { name: 'physical_record_length', presence: 'optional', description: 'Digits: when given, no physical line may be longer (relaxation `ignoreRecordLength`)' },
    { name: 'block_size', presence: 'optional', description: 'Digits; read and ignored' },
    { name: 'version_number', presence: 'required', description: 'Must be `2`' },
  ],
};

const R = 'file_header';

export function readFileHeader(fields: readonly string[], ctx: RecordContext): Bai2FileHeader | null {
  const { line, report } = ctx;
  const before = { errors: 0 };
  const fail = (field: string, code: Parameters<typeof report>[3], message: string) => {
    before.errors++;
    report(line, R, field, code, message);
  };
  if (fields.length > FILE_HEADER.fields.length) fail('record', 'too_many_fields', `a file header has ${FILE_HEADER.fields.length} fields; this one has ${fields.length}`);
  const [sender = '', receiver = '', dateRaw = '', timeRaw = '', fileId = '', lengthRaw = '', blockRaw = '', version = ''] = fields;
  if (sender === '') fail('sender_identification', 'required_field', 'the sender identification is blank');
  if (receiver === '') fail('receiver_identification', 'required_field', 'the receiver identification is blank');
  const date = yymmdd(dateRaw);
  if (date === null) fail('file_creation_date', 'required_field', 'the file creation date is blank');
  else if (date === INVALID) fail('file_creation_date', 'invalid_date', `the file creation date must be a real YYMMDD date; got ${JSON.stringify(dateRaw.slice(0, 12))}`);
  const time = hhmm(timeRaw);
  if (time === '') fail('file_creation_time', 'required_field', 'the file creation time is blank');
  else if (time === INVALID) fail('file_creation_time', 'invalid_time', `the file creation time must be a real HHMM time; got ${JSON.stringify(timeRaw.slice(0, 12))}`);
  if (fileId === '') fail('file_identification_number', 'required_field', 'the file identification number is blank');
  const length = count(lengthRaw);
  if (length === INVALID) fail('physical_record_length', 'invalid_numeric', 'the physical record length must be digits or blank');
  const block = count(blockRaw);
  if (block === INVALID) fail('block_size', 'invalid_numeric', 'the block size must be digits or blank');
  if (version === '') fail('version_number', 'required_field', 'the version number is blank');
  else if (version !== '2') fail('version_number', 'unsupported_version', `only BAI version 2 files are read; this one says version ${JSON.stringify(version.slice(0, 10))}`);
  if (before.errors > 0) return null;
  return {
    line,
    senderId: sender,
    receiverId: receiver,
    creationDate: date as string,
    creationDateRaw: dateRaw,
    creationTime: time as string,
    fileId,
    physicalRecordLength: length as number | null,
    blockSize: block as number | null,
    versionNumber: version,
  };
}
