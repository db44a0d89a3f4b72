// 49 Account Trailer, 98 Group Trailer, 99 File Trailer: the control totals and counts of what they close.
// A control total is the algebraic sum of every amount reported inside (03 item amounts and 16 detail
// amounts for an account; the account control totals for a group; the group control totals for the
// file). A record count counts every record from the header to the trailer, both included, 88s too.

import { count, INVALID, signedAmount } from '../fields.js';
import type { Layout } from '../layout.js';
import type { Bai2RecordName } from '../errors.js';
import type { RecordContext } from './context.js';

export const ACCOUNT_TRAILER: Layout = {
  code: '49',
  title: '49 Account Trailer',
  fields: [
    { name: 'account_control_total', presence: 'required', description: 'Signed: the sum of the account\'s 03 item amounts and 16 detail amounts' },
    { name: 'number_of_records', presence: 'required', description: 'Records of the account, from its 03 to this 49, continuations included' },
  ],
};

export const GROUP_TRAILER: Layout = {
  code: '98',
  title: '98 Group Trailer',
  fields: [
    { name: 'group_control_total', presence: 'required', description: 'Signed: the sum of the group\'s account control totals' },
    { name: 'number_of_accounts', presence: 'required', description: 'Accounts (03) in the group' },
    { name: 'number_of_records', presence: 'required', description: 'Records of the group, from its 02 to this 98, continuations included' },
  ],
};

export const FILE_TRAILER: Layout = {
  code: '99',
  title: '99 File Trailer',
  fields: [
    { name: 'file_control_total', presence: 'required', description: 'Signed: the sum of the group control totals' },
    { name: 'number_of_groups', presence: 'required', description: 'Groups (02) in the file' },
    { name: 'number_of_records', presence: 'required', description: 'Records of the file, from its 01 to this 99, continuations included' },
  ],
};

export interface Trailer {
  controlTotal: bigint;
  /** Accounts (98) or groups (99); null for 49. */
  count: number | null;
  recordCount: number;
}

/** Reads a trailer by its layout (control total, [count,] record count); null when malformed (reported). */
export function readTrailer(layout: Layout, record: Bai2RecordName, fields: readonly string[], ctx: RecordContext): Trailer | null {
  const { line, report } = ctx;
  const names = layout.fields.map((f) => f.name);
  if (fields.length > names.length) {
    report(line, record, 'record', 'too_many_fields', `${layout.title} has ${names.length} fields; this one has ${fields.length}`);
    return null;
  }
  const total = signedAmount(fields[0] ?? '');
  if (total === null || total === INVALID) {
    report(line, record, names[0]!, total === null ? 'required_field' : 'invalid_amount', `the ${names[0]!.replace(/_/g, ' ')} must be digits with an optional sign`);
    return null;
  }
  const counts: number[] = [];
  for (let k = 1; k < names.length; k++) {
    const n = count(fields[k] ?? '');
    if (n === null || n === INVALID) {
      report(line, record, names[k]!, n === null ? 'required_field' : 'invalid_numeric', `the ${names[k]!.replace(/_/g, ' ')} must be digits`);
      return null;
    }
    counts.push(n);
  }
  return names.length === 3 ? { controlTotal: total, count: counts[0]!, recordCount: counts[1]! } : { controlTotal: total, count: null, recordCount: counts[0]! };
}
