// How one booked camt.053 entry becomes Sluice records (docs/camt053.md): one record per entry, or one per
// transaction detail when an entry carries several that add up to it (reader.ts decides). Pure: the same
// entry of the same file always gives the same fields, which makes re-uploading a file idempotent under
// on_conflict=skip.

import { formatDecimal, toMinorUnits } from './decimal.js';
import type { Camt053Amount, Camt053BankTransactionCode, Camt053Entry, Camt053TransactionDetails, Direction } from './types.js';
import { DESCRIPTION_MAX_CHARS } from '../../records/validate-record.js';

export interface Camt053RecordFields {
  date: string | null;
  /**
   * Integer minor units; the file's decimal text when the amount is not a whole number of minor units of its
   * currency (or the currency is unknown): the item then fails with its reason (item-decoder.ts).
   */
  amount: number | string;
  direction: Direction;
  currency: string;
  description: string | null;
  external_id: string;
  metadata: Record<string, string | number | boolean>;
}

// ---------- the fingerprint ----------
// 64 bits (two 32-bit multiplicative lanes) over the message, statement, entry and detail fields that
// identify a booking. It keeps two different files apart when their message ids repeat (banks' ids are
// unique per sender only; the shared test files all use one). Account identifiers enter it as their last
// four characters only, as in NACHA's: a full IBAN could be recovered from a published hash by brute force.

interface Hash {
  a: number;
  b: number;
}

function feed(h: Hash, s: string | null): void {
  const text = s ?? '\u0000';
  let a = h.a;
  let b = h.b;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  // A separator, so ("ab", "c") and ("a", "bc") differ.
  a = Math.imul(a ^ (0x100 + text.length), 0x01000193);
  a ^= a >>> 15;
  b = Math.imul(b ^ 0x1ff, 0x5bd1e995);
  b ^= b >>> 13;
  h.a = a;
  h.b = b;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

function feedCode(h: Hash, code: Camt053BankTransactionCode): void {
  feed(h, code.iso);
  feed(h, code.proprietary);
}

function fingerprint(entry: Camt053Entry, detail: Camt053TransactionDetails | null): string {
  const h: Hash = { a: 0x811c9dc5, b: 0x050c5d1f };
  const m = entry.message;
  const s = entry.statement;
  for (const v of [m.version, m.messageId, m.createdAt, s.id, s.electronicSequence, s.legalSequence, s.createdAt, s.accountLast4, s.accountCurrency]) feed(h, v);
  for (const v of [
    String(entry.index), formatDecimal(entry.amount.value), entry.amount.currency, entry.direction, entry.status, String(entry.reversal),
    entry.bookingDate, entry.valueDate, entry.reference, entry.accountServicerReference,
  ]) feed(h, v);
  feedCode(h, entry.bankTransactionCode);
  if (detail !== null) {
    const amount = detail.amounts[0];
    for (const v of [
      amount ? formatDecimal(amount.value) : null, amount?.currency ?? null, detail.direction, detail.endToEndId, detail.transactionId,
      detail.instructionId, detail.accountServicerReference, detail.debtor.name, detail.debtor.accountLast4, detail.creditor.name,
      detail.creditor.accountLast4, detail.creditorReference, detail.unstructured.join('\n'),
    ]) feed(h, v);
    feedCode(h, detail.bankTransactionCode);
  }
  return hex8(h.a) + hex8(h.b);
}

/**
 * `camt053:<MsgId>:<statement n>:<entry n>[.<detail n>]:<fingerprint>`: the message identification (the
 * account identifier masked out), the statement's and the entry's 1-based positions in the file, the
 * detail's when the entry is split, and 16 hex digits over the booking's fields. Positions, not the entry
 * reference: NtryRef is optional and not unique in practice.
 */
export function camt053ExternalId(entry: Camt053Entry, detail: Camt053TransactionDetails | null, detailIndex: number | null): string {
  const position = detailIndex === null ? `${entry.index}` : `${entry.index}.${detailIndex}`;
  return `camt053:${entry.message.messageId}:${entry.statement.index}:${position}:${fingerprint(entry, detail)}`;
}

function put(metadata: Record<string, string | number | boolean>, key: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && value !== '') metadata[key] = value;
}

function amountFields(amount: Camt053Amount): { amount: number | string; currency: string } {
  const minor = toMinorUnits(amount.value, amount.currency);
  return { amount: minor.ok ? minor.minor : amount.text, currency: amount.currency };
}

function truncate(text: string): string {
  return [...text].length <= DESCRIPTION_MAX_CHARS ? text : `${[...text].slice(0, DESCRIPTION_MAX_CHARS - 1).join('')}…`;
}

/**
 * The description: the unstructured remittance lines (joined by a space), else the structured creditor
 * reference, else the counterparty's name, else the detail's or the entry's additional information.
 */
function describe(direction: Direction, detail: Camt053TransactionDetails | null, entry: Camt053Entry): string | null {
  const counterparty = detail === null ? null : direction === 'credit' ? detail.debtor : detail.creditor;
  const text =
    (detail && detail.unstructured.length > 0 ? detail.unstructured.join(' ') : null) ??
    detail?.creditorReference ??
    counterparty?.name ??
    detail?.additionalInfo ??
    entry.additionalInfo;
  return text === null || text === undefined ? null : truncate(text);
}

function fields(entry: Camt053Entry, detail: Camt053TransactionDetails | null, detailIndex: number | null): Camt053RecordFields {
  const s = entry.statement;
  const amount = detailIndex !== null && detail ? detail.amounts[0]! : entry.amount;
  const direction = detailIndex !== null && detail ? (detail.direction ?? entry.direction) : entry.direction;
  const counterparty = detail === null ? null : direction === 'credit' ? detail.debtor : detail.creditor;
  const code = detail && (detail.bankTransactionCode.iso !== null || detail.bankTransactionCode.proprietary !== null) ? detail.bankTransactionCode : entry.bankTransactionCode;

  const metadata: Record<string, string | number | boolean> = {};
  put(metadata, 'camt_version', entry.message.version);
  put(metadata, 'message_id', entry.message.messageId);
  put(metadata, 'statement_id', s.id);
  put(metadata, 'statement_sequence', s.electronicSequence ?? s.legalSequence);
  put(metadata, 'account_last4', s.accountLast4);
  put(metadata, 'entry_reference', entry.reference);
  put(metadata, 'account_servicer_reference', detail?.accountServicerReference ?? entry.accountServicerReference);
  put(metadata, 'bank_transaction_code', code.iso);
  put(metadata, 'proprietary_bank_transaction_code', code.proprietary);
  put(metadata, 'proprietary_bank_transaction_code_issuer', code.proprietaryIssuer);
  put(metadata, 'end_to_end_id', detail?.endToEndId);
  put(metadata, 'transaction_id', detail?.transactionId);
  put(metadata, 'instruction_id', detail?.instructionId);
  put(metadata, 'mandate_id', detail?.mandateId);
  put(metadata, 'cheque_number', detail?.chequeNumber);
  put(metadata, 'counterparty_name', counterparty?.name);
  put(metadata, 'counterparty_account_last4', counterparty?.accountLast4);
  put(metadata, 'creditor_reference', detail?.creditorReference);
  put(metadata, 'value_date', entry.valueDate);
  if (entry.reversal) metadata['reversal'] = true;
  if (detailIndex !== null) {
    // A split entry's records say which booking they came from, and what it came to.
    metadata['entry_amount'] = formatDecimal(entry.amount.value);
    metadata['detail_index'] = detailIndex;
  }

  return {
    date: entry.bookingDate ?? entry.valueDate,
    ...amountFields(amount),
    direction,
    description: describe(direction, detail, entry),
    external_id: camt053ExternalId(entry, detail, detailIndex),
    metadata,
  };
}

/** The records of one booked entry, in order. */
export function entryToRecordFields(entry: Camt053Entry): Camt053RecordFields[] {
  if (entry.split) return entry.details.map((detail, i) => fields(entry, detail, i + 1));
  return [fields(entry, entry.details.length === 1 ? entry.details[0]! : null, null)];
}
