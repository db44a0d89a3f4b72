// 03 Account Identifier and Summary/Status: one account, its currency, then any number of
// (type code, amount, item count, funds type) items: balances (status codes) and summaries.

import { normalizeCurrency } from '../../../money/currencies.js';
import { count, INVALID, last4, signedAmount } from '../fields.js';
import { FUNDS_TYPE_FIELDS, readFunds } from '../funds-type.js';
import type { Layout } from '../layout.js';
import { isSummaryOrStatusCode } from '../type-codes.js';
import type { Bai2Account, Bai2GroupHeader, Bai2Summary } from '../types.js';
import type { RecordContext } from './context.js';

export const ACCOUNT_IDENTIFIER: Layout = {
  code: '03',
  title: '03 Account Identifier and Summary/Status',
  fields: [
    { name: 'customer_account_number', presence: 'required', description: 'The account; only its last four characters are kept (`account_last4`)' },
    { name: 'currency_code', presence: 'optional', description: 'ISO 4217 currency of the account; blank means the group\'s' },
    { name: 'type_code', presence: 'repeating', description: 'Three digits: status 001-099 or 900-919, summary 100-799 or 920-999' },
    { name: 'amount', presence: 'repeating', description: 'Signed digits in minor units of the account currency; blank allowed' },
    { name: 'item_count', presence: 'repeating', description: 'Digits or blank' },
    ...FUNDS_TYPE_FIELDS.map((f) => ({ ...f, presence: 'repeating' as const })),
  ],
};

const R = 'account_identifier';

/** The account, or null when a field is malformed (reported). The sum is of every item amount. */
export function readAccount(fields: readonly string[], group: Bai2GroupHeader, number: number, ctx: RecordContext): { account: Bai2Account; sum: bigint } | null {
  const { line, report } = ctx;
  let errors = 0;
  const [accountNumber = '', currencyRaw = ''] = fields;
  if (accountNumber === '') {
    errors++;
    report(line, R, 'customer_account_number', 'required_field', 'the customer account number is blank');
  }
  const currency = currencyRaw === '' ? group.currency : normalizeCurrency(currencyRaw);
  if (currency === undefined) {
    errors++;
    report(line, R, 'currency_code', 'invalid_currency', `the currency code must be an ISO 4217 code; got ${JSON.stringify(currencyRaw.slice(0, 10))}`);
  }
  const summaries: Bai2Summary[] = [];
  let sum = 0n;
  // A record may end with empty fields (",,/"): they are no item.
  let last = fields.length - 1;
  while (last >= 2 && fields[last] === '') last--;
  let i = 2;
  while (i <= last) {
    const item = summaries.length + 1;
    const typeCode = fields[i]!;
    if (!isSummaryOrStatusCode(typeCode)) {
      report(line, R, 'type_code', 'invalid_type_code', `item ${item}: the type code must be three digits in 001-799 or 900-999; got ${JSON.stringify(typeCode.slice(0, 10))}`);
      return null;
    }
    const amount = signedAmount(fields[i + 1] ?? '');
    if (amount === INVALID) {
      report(line, R, 'amount', 'invalid_amount', `item ${item} (type ${typeCode}): the amount must be digits with an optional sign`);
      return null;
    }
    const itemCount = count(fields[i + 2] ?? '');
    if (itemCount === INVALID) {
      report(line, R, 'item_count', 'invalid_numeric', `item ${item} (type ${typeCode}): the item count must be digits or blank`);
      return null;
    }
    const funds = readFunds(fields, i + 3, line, R, report);
    if (!funds) return null;
    summaries.push({ typeCode, amount, itemCount, funds: funds.funds });
    if (amount !== null) sum += amount;
    i = funds.next;
  }
  if (errors > 0) return null;
  return { account: { line, number, accountLast4: last4(accountNumber), currency: currency as string, summaries }, sum };
}
