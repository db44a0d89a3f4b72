import type { Config } from '../config.js';
import type { BulkCreate, BulkCreated } from './create-bulk-request.js';
import type { ThreadError } from './thread-errors.js';
import type { UploadOutcome } from '../uploads/ingest-upload.js';
import type { UploadInput } from './stager.js';
import type { BodyMessage } from './upload-channel.js';

/** What `sluice serve` hands each staging thread at start. */
export interface StagingThreadData {
  config: Config;
}

/** API thread -> staging thread. An upload's body follows its `upload` message, under the same id. */
export type ToStaging =
  | { type: 'create'; id: number; input: BulkCreate }
  | { type: 'upload'; id: number; input: UploadInput }
  | ({ id: number } & BodyMessage)
  | { type: 'stop' };

/** Staging thread -> API thread. */
export type FromStaging =
  | { type: 'started' }
  | { type: 'stopped' }
  | { type: 'failed'; message: string }
  | { type: 'created'; id: number; result: BulkCreated }
  | { type: 'uploaded'; id: number; outcome: UploadOutcome }
  /** One chunk of an upload's body taken by the parser: the API thread may send another. */
  | { type: 'ack'; id: number }
  | { type: 'error'; id: number; error: ThreadError };
