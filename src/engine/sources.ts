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

/** File sources (CSV, NACHA) register their decoders here; a request's options tell them how to read items. */
const decoders = new Map<ClaimedRequest['source'], (request: ClaimedRequest) => ItemDecoder>([['bulk_api', () => decodeJsonItem]]);

export function registerDecoder(source: ClaimedRequest['source'], factory: (request: ClaimedRequest) => ItemDecoder): void {
  decoders.set(source, factory);
}

export function decoderFor(request: ClaimedRequest): ItemDecoder {
  const factory = decoders.get(request.source);
  if (!factory) throw new Error(`no item decoder for source ${request.source}`);
  return factory(request);
}
