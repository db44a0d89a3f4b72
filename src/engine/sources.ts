import type { Store } from '../db/connect.js';
import { csvItemDecoder } from '../formats/csv/index.js';
import { decodeCamt053Item } from '../formats/camt053/index.js';
import type { PropertyType } from '../properties/property-definition.table.js';
import { definitionsForStream } from '../properties/property-definition.repository.js';
import { uploadStreamKey, type UploadRequestOptions } from '../uploads/request-options.js';
import type { ClaimedRequest } from './sql/claim-request.js';
import type { ItemRow } from './sql/read-items.js';
import type { RecordSource } from '../records/record.table.js';
import { type ItemError, type RecordDraft } from '../records/validate-record.js';
import { decodeJsonRecord, decodeStagedRecord } from '../records/staged-record.js';

export type Decoded = { ok: true; draft: RecordDraft } | { ok: false; error: ItemError };

/** Turns one staged item into a validated record draft; one decoder per kind of bulk request source. */
export type ItemDecoder = (item: ItemRow) => Decoded;

/** What each bulk request source writes into `records.source`. */
export const RECORD_SOURCE: Record<ClaimedRequest['source'], RecordSource> = {
  bulk_api: 'bulk_api',
  csv: 'csv_upload',
  nacha: 'nacha_upload',
  bai2: 'bai2_upload',
  camt053: 'camt053_upload',
};

/**
 * Items are staged records (records/staged-record.ts): a JSON body's records as sent, each naming its
 * stream; NACHA, BAI2 and camt.053 entries already mapped to the record they become (SPEC §5), of the
 * upload's stream, which the request's options name. camt.053's JSON form has a case of its own.
 */
function stagedRecords(json: (payload: string) => Decoded = decodeJsonRecord) {
  return async (_store: Store, request: ClaimedRequest): Promise<ItemDecoder> => {
    const streamKey = uploadStreamKey(request.options);
    return (item) => decodeStagedRecord(item.payload, streamKey, json);
  };
}

/** One decoder per source; a request's options tell a file decoder how to read its items. */
const DECODERS: Record<ClaimedRequest['source'], (store: Store, request: ClaimedRequest) => Promise<ItemDecoder>> = {
  bulk_api: stagedRecords(),
  nacha: stagedRecords(),
  bai2: stagedRecords(),
  camt053: stagedRecords(decodeCamt053Item),
  csv: csvDecoder,
};

/** CSV cells are text: the stream's property definitions say which metadata cells to read as numbers or booleans. */
async function csvDecoder(store: Store, request: ClaimedRequest): Promise<ItemDecoder> {
  const options = JSON.parse(request.options) as UploadRequestOptions;
  const propertyTypes: Record<string, PropertyType> = {};
  if (request.data_stream_id !== null) {
    for (const def of await definitionsForStream(store.db, request.data_stream_id)) propertyTypes[def.key] = def.type;
  }
  const decode = csvItemDecoder(options.csv_plan, {
    dataStreamKey: options.data_stream_key,
    amountUnit: options.csv.amountUnit,
    dateFormat: options.csv.dateFormat,
    ...(options.csv.currency ? { defaultCurrency: options.csv.currency } : {}),
    propertyTypes,
  });
  return (item) => decode(item.payload);
}

export async function decoderFor(store: Store, request: ClaimedRequest): Promise<ItemDecoder> {
  return DECODERS[request.source](store, request);
}
