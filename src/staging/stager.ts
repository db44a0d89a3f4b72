import type { Config } from '../config.js';
import type { Store } from '../db/connect.js';
import type { DataStreamRow } from '../streams/data-stream.repository.js';
import type { Inflation } from '../uploads/decompress.js';
import type { Format } from '../uploads/format.js';
import { handlerOf } from '../uploads/handlers.js';
import { ingestUpload, type UploadOutcome } from '../uploads/ingest-upload.js';
import type { NotAFile } from '../uploads/sniff-file.js';
import type { UploadOptions } from '../uploads/upload-options.js';
import { createBulkRequest, type BulkCreate, type BulkCreated } from './create-bulk-request.js';

/** An upload as the API thread hands it on, its body apart: everything the route learnt from the request. */
export interface UploadInput {
  environmentId: number;
  stream: DataStreamRow;
  format: Format;
  /** Set when sniffing found the file is plainly no such file (a ZIP, a PDF): it is refused unread. */
  refusal: NotAFile | null;
  options: UploadOptions;
  idempotencyKey: string | null;
  declaredBytes: number | undefined;
  /** The body arrived gzipped and is inflated as it is read; its counts come with its end. */
  compressed: boolean;
}

/**
 * Where bulk bodies and uploaded files are read and staged: the staging threads (staging-threads.ts) or the
 * API thread itself.
 */
export interface BulkStager {
  create(input: BulkCreate): Promise<BulkCreated>;
  upload(input: UploadInput, body: AsyncIterable<Buffer>, inflation: Inflation | undefined): Promise<UploadOutcome>;
}

/** On the calling thread: `buildApp` without threads (tests with `inject`) and `SLUICE_STAGING_THREADS=0`. */
export function inProcessStager(store: Store, config: Config, now: () => number): BulkStager {
  return {
    create: (input) => createBulkRequest(store, input),
    upload: (input, body, inflation) => ingestUpload({ store, config, now }, { ...input, handler: handlerOf(input.format, input.refusal), body, inflation }),
  };
}
