import type { CsvColumnPlan } from '../formats/csv/index.js';
import type { UploadOptions } from './upload-options.js';

/**
 * What an upload stores in its request's `options` for the workers (and for its retries, which copy it):
 * how to read its staged items, and which upload its records are accounted to.
 */
export interface UploadRequestOptions {
  data_stream_key: string;
  csv: UploadOptions['csv'];
  nacha: UploadOptions['nacha'];
  /** CSV: the header row's column plan, set once the header is read. */
  csv_plan: CsvColumnPlan;
  /** The upload whose import batch records of this request (and its retries) join. */
  root_bulk_request_id: number;
}

/**
 * The stream an upload's staged records belong to (records/staged-record.ts leaves it out of each item), or
 * '' for a request that is no upload: a JSON body's records name their own.
 */
export function uploadStreamKey(options: string): string {
  return (JSON.parse(options) as Partial<UploadRequestOptions>).data_stream_key ?? '';
}
