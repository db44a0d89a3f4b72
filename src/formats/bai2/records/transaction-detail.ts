// 16 Transaction Detail: one transaction of the account, the record Sluice makes a record of.

import { INVALID, unsignedAmount } from '../fields.js';
import { FUNDS_TYPE_FIELDS, fundsWidth, readFunds } from '../funds-type.js';
import type { Layout } from '../layout.js';
import { detailDirection } from '../type-codes.js';
import type { Bai2Detail } from '../types.js';
import type { RecordContext } from './context.js';

export const TRANSACTION_DETAIL: Layout = {
  code: '16',
  title: '16 Transaction Detail',
  fields: [
    { name: 'type_code', presence: 'required', description: 'Three digits: 100-399 or 920-959 a credit, 400-699 or 960-999 a debit' },
    { name: 'amount', presence: 'required', description: 'Unsigned digits in minor units of the account currency' },
    ...FUNDS_TYPE_FIELDS,
    { name: 'bank_reference_number', presence: 'optional', description: 'The bank\'s reference' },
    { name: 'customer_reference_number', presence: 'optional', description: 'The customer\'s reference' },
    { name: 'text', presence: 'optional', description: 'Free text to the end of the record (may hold commas and "/"), continued by 88 records' },
  ],
};

const R = 'transaction_detail';

/**
 * Index of the text field in a detail's fields, or -1 while it cannot be told yet: the fields before it
 * (the funds type's extras) may still be arriving in a continuation.
 */
export function textIndex(fields: readonly string[]): number {
  const width = fundsWidth(fields, 2);
  return width < 0 ? -1 : 2 + width + 2;
}

/** The detail, or null when a field is malformed (reported). `text` is already assembled. */
export function readDetail(fields: readonly string[], text: string, number: number, ctx: RecordContext): Bai2Detail | null {
  const { line, report } = ctx;
  const typeCode = fields[0] ?? '';
  const direction = detailDirection(typeCode);
  if (direction === undefined) {
    report(line, R, 'type_code', 'invalid_type_code', `a transaction detail type code must be three digits in 100-699 or 920-999 (its range gives the direction); got ${JSON.stringify(typeCode.slice(0, 10))}`);
    return null;
  }
  const amountRaw = fields[1] ?? '';
  const amount = unsignedAmount(amountRaw);
  if (amount === null) {
    report(line, R, 'amount', 'required_field', 'the amount is blank');
    return null;
  }
  if (amount === INVALID) {
    report(line, R, 'amount', 'invalid_amount', 'a transaction detail amount must be unsigned digits (the type code gives its direction)');
    return null;
  }
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    report(line, R, 'amount', 'amount_too_large', 'the amount is above 9007199254740991 minor units');
    return null;
  }
  const funds = readFunds(fields, 2, line, R, report);
  if (!funds) return null;
  return {
    line,
    number,
    typeCode,
    direction,
    amount: Number(amount),
    funds: funds.funds,
    bankReference: fields[funds.next] ?? '',
    customerReference: fields[funds.next + 1] ?? '',
    text,
  };
}
