import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { Store } from '../db/connect.js';
import { yieldToEventLoop } from '../db/yield.js';
import { AppError } from '../errors/app-error.js';
import { addUploadBatch, insertBulkRequest, type BulkRequestRow } from '../bulk/bulk-request.repository.js';
import { canonicalJson } from '../bulk/idempotency.js';
import { assertStreamWritable } from '../streams/stream-guard.js';
import { notifyRequestChanged } from '../engine/sql/notify-change.js';
import { SEGMENT_MAX_CHARS, type StagedItem } from '../engine/segment-codec.js';
import type { DataStreamRow } from '../streams/data-stream.repository.js';
import { failUpload, finishUpload, heartbeatUpload, type UploadFailure } from './upload.repository.js';
import type { FileError, Format, FormatHandler, ItemSink } from './format.js';
import type { UploadOptions } from './upload-options.js';
import type { Inflation } from './decompress.js';
import { FileRejected } from './file-rejected.js';

/** Thrown by the byte counter: the file is larger than the configured limit. */
export class FileTooLarge extends Error {}
/** The request was cancelled while the file was still arriving. */
class CancelledWhileReceiving extends Error {}

export interface UploadArgs {
  environmentId: number;
  stream: DataStreamRow;
  format: Format;
  handler: FormatHandler;
  options: UploadOptions;
  idempotencyKey: string | null;
  /** Declared size, when the client sent Content-Length: an oversized file is refused before reading it. */
  declaredBytes: number | undefined;
  body: AsyncIterable<Buffer>;
  /** Set when the body arrived gzipped (open-body.ts): the limits count `body`, the decompressed bytes. */
  inflation?: Inflation | undefined;
}

export interface UploadDeps {
  store: Store;
  config: Config;
  now: () => number;
}

export interface UploadOutcome {
  row: BulkRequestRow;
  replayed: boolean;
}

/** Counts and hashes the bytes as they pass, and stops the upload at the size limit. */
async function* metered(body: AsyncIterable<Buffer>, maxBytes: number, hash: ReturnType<typeof createHash>, seen: { bytes: number }) {
  for await (const chunk of body) {
    seen.bytes += chunk.length;
    if (seen.bytes > maxBytes) throw new FileTooLarge();
    hash.update(chunk);
    yield chunk;
  }
}

const fileError = (code: string, message: string, line: number | null = null, field: string | null = null): FileError => ({ line, field, code, message });

/**
 * SPEC §5: the request exists from the first byte (`parsing: true`), the file is parsed as it streams and
 * its items are staged a segment per transaction, so memory stays bounded whatever the size. When the last
 * item is staged the request becomes `pending` for the workers. Whole-file problems, an oversized file, a
 * cancel or a client that goes away all end the request `failed`/`cancelled` with its staged items
 * removed: nothing of a file that was not received whole is ever processed.
 */
export async function ingestUpload(deps: UploadDeps, args: UploadArgs): Promise<UploadOutcome> {
  const { store, config, now } = deps;
  const limits = config.uploads;
  // The filename is cosmetic: the same bytes with the same options under the same key are a replay.
  const hash = createHash('sha256').update(canonicalJson({ ...args.options, format: args.format, filename: null }));
  const requestOptions = {
    data_stream_key: args.stream.key,
    csv: args.options.csv,
    nacha: args.options.nacha,
  };

  const { row: created, created: isNew } = await store.db.transaction().execute(async (trx) => {
    // No upload starts into a stream being deleted or reset (409 stream_busy): checked under the stream
    // lock, in the transaction that creates the request, so it cannot race the operation.
    await assertStreamWritable(trx, store.caps, args.stream);
    return insertBulkRequest(trx, {
      environmentId: args.environmentId,
      source: args.format,
      onConflict: args.options.onConflict,
      dryRun: args.options.dryRun,
      filename: args.options.filename,
      dataStreamId: args.stream.id,
      idempotencyKey: args.idempotencyKey,
      requestHash: null,
      options: requestOptions,
      parsing: true,
      now: now(),
    });
  });

  if (!isNew) return replay(deps, created, args, hash);
  // The request exists from the first byte: the environment's stream shows it at once.
  await notifyRequestChanged(store.db, store.caps, created.id);

  const id = created.id;
  const seen = { bytes: 0 };
  // A compressed body's declared size says nothing certain about the file's: the counter decides then.
  if (args.declaredBytes !== undefined && args.inflation === undefined && args.declaredBytes > limits.maxBytes) {
    return { row: await failUpload(store, id, now(), tooLarge(limits.maxBytes)), replayed: false };
  }

  let buffer: StagedItem[] = [];
  let bufferedBytes = 0;
  let nextIndex = 0;
  const flush = async () => {
    const batch = buffer;
    buffer = [];
    bufferedBytes = 0;
    const row = await addUploadBatch(store, id, batch, now());
    if (row.status === 'cancelled') throw new CancelledWhileReceiving();
    // Buffered body data would otherwise be parsed and staged batch after batch in one turn of the loop.
    await yieldToEventLoop();
  };
  const sink: ItemSink = {
    push(rowNumber, payload) {
      buffer.push({ index: nextIndex++, rowNumber, payload });
      bufferedBytes += payload.length;
      // One segment per flush, in its own transaction. Wide rows flush by size too: a segment stays a few MiB.
      return buffer.length >= limits.stageBatch || bufferedBytes >= SEGMENT_MAX_CHARS ? flush() : undefined;
    },
  };

  // A slow client must not look abandoned: the heartbeat says the upload is alive while bytes trickle in.
  const heartbeat = setInterval(() => void heartbeatUpload(store, id, now()).catch(() => {}), config.engine.heartbeatMs);
  heartbeat.unref();
  try {
    const result = await args.handler.ingest(metered(args.body, limits.maxBytes, hash, seen), { dataStreamKey: args.stream.key, options: args.options, limits }, sink);
    if (!result.ok) {
      return { row: await failUpload(store, id, now(), { kind: 'file_rejected', message: result.message, errors: result.errors, errorCount: result.errorCount }), replayed: false };
    }
    if (buffer.length > 0) await flush();
    const row = await finishUpload(store, id, now(), {
      // Retries copy these options, so their records join this upload's import batch.
      options: { ...requestOptions, ...(result.requestOptions ?? {}), root_bulk_request_id: id },
      sourceDetails: args.inflation ? { gzip: { compressed_bytes: args.inflation.compressedBytes }, ...(result.sourceDetails ?? {}) } : (result.sourceDetails ?? null),
      requestHash: hash.digest('hex'),
      bytes: seen.bytes,
    });
    store.wake();
    return { row, replayed: false };
  } catch (error) {
    const failure = failureOf(error, seen.bytes, limits.maxBytes);
    return { row: await failUpload(store, id, now(), failure), replayed: false };
  } finally {
    clearInterval(heartbeat);
  }
}

function tooLarge(maxBytes: number): UploadFailure {
  const message = `The file is larger than the ${maxBytes}-byte upload limit.`;
  return { kind: 'file_rejected', message, errors: [fileError('file_too_large', message)], errorCount: 1 };
}

function failureOf(error: unknown, bytes: number, maxBytes: number): UploadFailure {
  if (error instanceof FileTooLarge) return tooLarge(maxBytes);
  if (error instanceof FileRejected) return { kind: 'file_rejected', message: error.message, errors: [fileError(error.code, error.message)], errorCount: 1 };
  if (error instanceof CancelledWhileReceiving) {
    return {
      kind: 'upload_cancelled',
      message: 'Cancelled while the file was being received; nothing of it was processed. Upload it again to ingest it.',
      errors: [],
      errorCount: 0,
    };
  }
  const message = `The upload was interrupted after ${bytes} bytes (the connection closed or failed); nothing of it was processed.`;
  return { kind: 'upload_interrupted', message, errors: [fileError('upload_interrupted', message)], errorCount: 1 };
}

/**
 * The Idempotency-Key was used before. The body still has to be read to tell a replay (same options, same
 * bytes) from a reuse of the key with another file; nothing is staged meanwhile.
 */
async function replay(deps: UploadDeps, existing: BulkRequestRow, args: UploadArgs, hash: ReturnType<typeof createHash>): Promise<UploadOutcome> {
  if (existing.parsing === 1) throw new AppError('upload_in_progress', undefined, { bulk_request_id: existing.id });
  const seen = { bytes: 0 };
  try {
    for await (const _ of metered(args.body, deps.config.uploads.maxBytes, hash, seen)) {
      // only hashing
    }
  } catch {
    throw new AppError('idempotency_key_reused', undefined, { bulk_request_id: existing.id });
  }
  if (existing.request_hash !== hash.digest('hex') || existing.source !== args.format) {
    throw new AppError('idempotency_key_reused', undefined, { bulk_request_id: existing.id });
  }
  return { row: existing, replayed: true };
}
