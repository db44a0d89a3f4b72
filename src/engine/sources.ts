import type { ClaimedRequest } from './sql/claim-request.js';
import type { ItemRow } from './sql/read-items.js';
import type { RecordSource } from '../records/record.table.js';
import { validateRecordFields, type ItemError, type RecordDraft } from '../records/validate-record.js';

export type Decoded = { ok: true; draft: RecordDraft } | { ok: false; error: ItemError };

/** Turns one staged item into a validated record draft; one decoder per kind of bulk request source. */
export type ItemDecoder = (item: ItemRow) => Decoded;

/** What each bulk request source writes into `records.source`. */
export const RECORD_SOURCE: Record<ClaimedRequest['source'], RecordSource> = {
  bulk_api: 'bulk_api',
  csv: 'csv_upload',
  nacha: 'nacha_upload',
};

const decodeJsonItem: ItemDecoder = (item) => {
  // The payload was serialized by Sluice from a parsed body, so it always parses; the record inside may not
  // be valid, which is what validation reports.
  return validateRecordFields(JSON.parse(item.payload));
};

/**
 * One decoder per source; a request's options tell a file decoder how to read its items. NACHA items are
 * staged already mapped to the record they become (SPEC §5), so they read like JSON items.
 */
const DECODERS: Record<ClaimedRequest['source'], (request: ClaimedRequest) => ItemDecoder> = {
  bulk_api: () => decodeJsonItem,
  nacha: () => decodeJsonItem,
  csv: () => {
    throw new Error('CSV decoding is not wired yet');
  },
};

export function decoderFor(request: ClaimedRequest): ItemDecoder {
  return DECODERS[request.source](request);
}
