// 02 Group Header: one originator's report of accounts as of one date, in one default currency.

import { normalizeCurrency } from '../../../money/currencies.js';
import { hhmm, INVALID, yymmdd } from '../fields.js';
import type { Layout } from '../layout.js';
import type { Bai2GroupHeader } from '../types.js';
import type { RecordContext } from './context.js';

export const GROUP_HEADER: Layout = {
  code: '02',
  title: '02 Group Header',
  fields: [
    { name: 'ultimate_receiver_identification', presence: 'optional', description: 'Who the group is finally for' },
    { name: 'originator_identification', presence: 'required', description: 'The bank that reports the accounts' },
    { name: 'group_status', presence: 'required', description: '`1` update, `2` deletion, `3` correction, `4` test only' },
    { name: 'as_of_date', presence: 'required', description: 'YYMMDD, a real date: the `date` of every record of the group' },
    { name: 'as_of_time', presence: 'optional', description: 'HHMM (0000-2359, 2400 or 9999)' },
    { name: 'currency_code', presence: 'optional', description: 'ISO 4217 default currency of the group\'s accounts; blank means USD' },
    { name: 'as_of_date_modifier', presence: 'optional', description: '`1` interim previous-day, `2` final previous-day, `3` interim same-day, `4` final same-day' },
  ],
};

const R = 'group_header';

export function readGroupHeader(fields: readonly string[], number: number, ctx: RecordContext): Bai2GroupHeader | null {
  const { line, report } = ctx;
  let errors = 0;
  const fail = (field: string, code: Parameters<typeof report>[3], message: string) => {
    errors++;
    report(line, R, field, code, message);
  };
  if (fields.length > GROUP_HEADER.fields.length) fail('record', 'too_many_fields', `a group header has ${GROUP_HEADER.fields.length} fields; this one has ${fields.length}`);
  const [receiver = '', originator = '', status = '', dateRaw = '', timeRaw = '', currencyRaw = '', modifier = ''] = fields;
  if (originator === '') fail('originator_identification', 'required_field', 'the originator identification is blank');
  if (status === '') fail('group_status', 'required_field', 'the group status is blank');
  else if (!['1', '2', '3', '4'].includes(status)) fail('group_status', 'invalid_value', `the group status must be 1, 2, 3 or 4; got ${JSON.stringify(status.slice(0, 10))}`);
  const date = yymmdd(dateRaw);
  if (date === null) fail('as_of_date', 'required_field', 'the as-of date is blank');
  else if (date === INVALID) fail('as_of_date', 'invalid_date', `the as-of date must be a real YYMMDD date; got ${JSON.stringify(dateRaw.slice(0, 12))}`);
  const time = hhmm(timeRaw);
  if (time === INVALID) fail('as_of_time', 'invalid_time', `the as-of time must be a real HHMM time or blank; got ${JSON.stringify(timeRaw.slice(0, 12))}`);
  const currency = currencyRaw === '' ? 'USD' : normalizeCurrency(currencyRaw);
  if (currency === undefined) fail('currency_code', 'invalid_currency', `the currency code must be an ISO 4217 code; got ${JSON.stringify(currencyRaw.slice(0, 10))}`);
  if (modifier !== '' && !['1', '2', '3', '4'].includes(modifier)) fail('as_of_date_modifier', 'invalid_value', `the as-of-date modifier must be 1, 2, 3, 4 or blank; got ${JSON.stringify(modifier.slice(0, 10))}`);
  if (errors > 0) return null;
  return {
    line,
    number,
    ultimateReceiverId: receiver,
    originatorId: originator,
    groupStatus: status,
    asOfDate: date as string,
    asOfTime: time as string,
    currency: currency as string,
    asOfDateModifier: modifier,
  };
}
