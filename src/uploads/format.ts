import type { UploadLimits } from '../config.js';
import type { StagedItem } from '../engine/segment-codec.js';
import type { UploadOptions } from './upload-options.js';

/** A problem with the file as a whole (SPEC §5): it ends the upload `failed`, and nothing is processed. */
export interface FileError {
  line: number | null;
  field: string | null;
  code: string;
  message: string;
}

/** Receives parsed items in file order. Returns a promise only when it flushes a batch: await it then. */
export interface ItemSink {
  push(rowNumber: number | null, payload: string): Promise<void> | undefined;
}

export type IngestResult =
  | {
      ok: true;
      /** What the item decoder needs later (the CSV column plan...), merged into the request's options. */
      requestOptions?: Record<string, unknown>;
      /** A summary of the file for the request's `source_details` (NACHA control totals...). */
      sourceDetails?: Record<string, unknown>;
    }
  | { ok: false; message: string; errors: FileError[]; errorCount: number };

export interface IngestContext {
  dataStreamKey: string;
  options: UploadOptions;
  limits: UploadLimits;
}

/** One per file format: reads the body as it streams and pushes items; never holds the whole file. */
export interface FormatHandler {
  ingest(body: AsyncIterable<Buffer>, ctx: IngestContext, sink: ItemSink): Promise<IngestResult>;
}

export type { Format } from './format-name.js';

export type { StagedItem };
