// How one NACHA entry becomes one Sluice record (SPEC section 5). Pure: the same entry and file header
// always give the same fields, which is what makes re-uploading a file idempotent under on_conflict=skip.

import { entryFingerprint } from './fingerprint.js';
import type { Direction, NachaEntry, NachaFileHeader } from './types.js';

/**
 * Whose side the direction is told from. `receiver` (default): the transaction code's own meaning, a
 * credit or debit to the receiver's account. `originator`: the opposite, as the originating company's
 * ledger sees it (a payroll credit to employees is money out: a debit).
 */
export type NachaPerspective = 'receiver' | 'originator';

export interface NachaRecordFields {
  date: string;
  /** Integer cents. */
  amount: number;
  direction: Direction;
  currency: 'USD';
  description: string | null;
  external_id: string;
  metadata: Record<string, string | number>;
}

/**
 * `nacha:<immediate origin>:<creation YYMMDD><HHMM>:<file id modifier>:<trace number>:<fingerprint>`.
 * The first parts are NACHA's own file identity and entry trace, readable by a person; the fingerprint
 * (16 hex digits over file header, batch header and entry fields, the account number reduced to its
 * last four; see fingerprint.ts)
 * keeps two different files apart even when a generator reused the identity and trace numbers.
 */
export function nachaExternalId(entry: NachaEntry, file: NachaFileHeader): string {
  return `nacha:${file.immediateOrigin}:${file.fileCreationDateRaw}${file.fileCreationTime}:${file.fileIdModifier}:${entry.traceNumber}:${entryFingerprint(entry, file)}`;
}

function put(metadata: Record<string, string | number>, key: string, value: string | null): void {
  if (value !== null && value !== '') metadata[key] = value;
}

export function entryToRecordFields(
  entry: NachaEntry,
  file: NachaFileHeader,
  options: { perspective?: NachaPerspective } = {},
): NachaRecordFields {
  const batch = entry.batch;
  const metadata: Record<string, string | number> = {};
  put(metadata, 'sec_code', batch.secCode);
  put(metadata, 'transaction_code', entry.transactionCode >= 0 ? String(entry.transactionCode).padStart(2, '0') : null);
  put(metadata, 'company_name', batch.companyName || entry.originatorName);
  put(metadata, 'company_id', batch.companyIdentification);
  put(metadata, 'company_entry_description', batch.companyEntryDescription);
  put(metadata, 'individual_id', entry.individualIdentification);
  put(metadata, 'receiving_dfi', entry.rdfiRoutingNumber);
  put(metadata, 'account_last4', entry.accountLast4);
  put(metadata, 'trace_number', entry.traceNumber);
  if (batch.batchNumber >= 0) metadata['batch_number'] = batch.batchNumber;
  put(metadata, 'addenda_payment_info', entry.paymentRelatedInformation);
  put(metadata, 'return_reason_code', entry.returnReasonCode);

  const direction: Direction =
    options.perspective === 'originator' ? (entry.direction === 'credit' ? 'debit' : 'credit') : entry.direction;
  return {
    date: batch.effectiveEntryDate ?? file.fileCreationDate ?? '',
    amount: entry.amount,
    direction,
    currency: 'USD',
    description: entry.individualName === '' ? null : entry.individualName,
    external_id: nachaExternalId(entry, file),
    metadata,
  };
}
