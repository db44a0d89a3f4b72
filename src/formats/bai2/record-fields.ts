// How one BAI2 transaction detail (16) becomes one Sluice record. Pure: the same detail in the same file
// always gives the same fields, which is what makes re-uploading a file idempotent under on_conflict=skip.

import { detailFingerprint } from './fingerprint.js';
import type { Bai2Account, Bai2Detail, Bai2FileHeader, Bai2GroupHeader, Direction } from './types.js';

export interface Bai2RecordFields {
  date: string;
  /** Minor units of `currency`. */
  amount: number;
  direction: Direction;
  currency: string;
  description: string | null;
  external_id: string;
  metadata: Record<string, string | number>;
}

/** A record's description holds at most this many characters (code points); longer text is cut. */
const DESCRIPTION_CHARS = 1000;

/** Identifiers are free text: the readable part of an id keeps at most this much of each. */
const ID_PART = 40;
const part = (s: string) => {
  const cut = s.length > ID_PART ? s.slice(0, ID_PART) : s;
  return cut.includes(':') ? cut.replace(/:/g, '_') : cut;
};

/**
 * `bai2:<sender>:<creation YYMMDD><HHMM>:<file id>:<group>.<account>.<detail>:<fingerprint>`.
 * Sender, creation date and time and file id are the file's identity in the BAI2 specification (the file
 * id is unique per sender, receiver and creation date); group, account and detail are the detail's
 * 1-based position. The fingerprint (16 hex digits, fingerprint.ts, over the file and group headers, the
 * account's last four characters and currency, and every field of the detail) keeps two different files
 * apart even when a generator reused the identity.
 */
export function bai2ExternalId(detail: Bai2Detail, file: Bai2FileHeader, group: Bai2GroupHeader, account: Bai2Account): string {
  return `bai2:${part(file.senderId)}:${file.creationDateRaw}${file.creationTime}:${part(file.fileId)}:${group.number}.${account.number}.${detail.number}:${detailFingerprint(detail, file, group, account)}`;
}

function put(metadata: Record<string, string | number>, key: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && value !== '') metadata[key] = value;
}

export function detailToRecordFields(detail: Bai2Detail, file: Bai2FileHeader, group: Bai2GroupHeader, account: Bai2Account): Bai2RecordFields {
  const metadata: Record<string, string | number> = {};
  put(metadata, 'type_code', detail.typeCode);
  put(metadata, 'bank_reference', detail.bankReference);
  put(metadata, 'customer_reference', detail.customerReference);
  put(metadata, 'funds_type', detail.funds.code);
  put(metadata, 'value_date', detail.funds.valueDate);
  put(metadata, 'account_last4', account.accountLast4);
  put(metadata, 'originator_id', group.originatorId);
  put(metadata, 'ultimate_receiver_id', group.ultimateReceiverId);
  metadata['group_sequence'] = group.number;
  metadata['account_sequence'] = account.number;
  return {
    date: group.asOfDate,
    amount: detail.amount,
    direction: detail.direction,
    currency: account.currency,
    description: detail.text === '' ? null : detail.text.length <= DESCRIPTION_CHARS ? detail.text : [...detail.text].slice(0, DESCRIPTION_CHARS).join(''),
    external_id: bai2ExternalId(detail, file, group, account),
    metadata,
  };
}
