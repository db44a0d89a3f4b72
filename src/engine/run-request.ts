import type { Store } from '../db/connect.js';
import type { EngineConfig } from '../config.js';
import type { EngineMetrics } from '../metrics.js';
import { chunkGate, type ChunkGate } from './chunk-gate.js';
import { prepareChunk, writeChunk, type ImportBatchTarget, type PreparedChunk, type WrittenChunk } from './chunk.js';
import type { ItemRow } from './sql/read-items.js';
import { advanceCheckpoint } from './sql/advance-checkpoint.js';
import type { ClaimedRequest } from './sql/claim-request.js';
import { readFence } from './sql/fence.js';
import { finishRequest } from './sql/finish-request.js';
import { expireLease, releaseLease, REQUEST_JOB, startHeartbeat } from './sql/row-job.js';
import { CHUNK_PAYLOAD_CHARS, itemReader } from './sql/read-items.js';
import { notifyRequestChanged } from './sql/notify-change.js';
import { decoderFor, RECORD_SOURCE } from './sources.js';
import { retryingFaults } from './fault-retry.js';
import { emitBulkRequestEnded, emitImportBatchCreated } from '../webhooks/emit.js';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EngineContext {
  store: Store;
  config: EngineConfig;
  metrics: EngineMetrics | undefined;
  logger: EngineLogger;
  now: () => number;
  /** True once the worker is shutting down: finish the chunk in hand, then give the request back. */
  stopping: () => boolean;
  /** Observer called after each committed chunk (progress reporting; tests use it to pause a run). */
  afterChunk?: (bulkRequestId: number, processedSoFar: number) => void | Promise<void>;
}

export type RunOutcome = 'completed' | 'cancelled' | 'failed' | 'released' | 'lost' | 'errored';

/** Thrown inside a chunk transaction to roll it back when the fence says the request is no longer ours. */
class LeaseLost extends Error {}

function importBatchTarget(request: ClaimedRequest): ImportBatchTarget | null {
  if (request.source === 'bulk_api' || request.dry_run === 1) return null;
  const options = JSON.parse(request.options) as { root_bulk_request_id?: number };
  return {
    rootBulkRequestId: options.root_bulk_request_id ?? request.id,
    source: RECORD_SOURCE[request.source] as ImportBatchTarget['source'],
    filename: request.filename,
  };
}

/**
 * Processes one claimed request chunk by chunk until it completes, is cancelled, or is no longer ours.
 * Each chunk: read and validate outside any transaction, then one transaction that checks the fence and
 * cancellation, writes records and results, and advances counters, checkpoint, heartbeat and lease.
 */
export async function runRequest(ctx: EngineContext, request: ClaimedRequest): Promise<RunOutcome> {
  const { store, config, logger } = ctx;
  const token = request.claims;
  const id = request.id;

  if (request.claims - request.released_claims > config.maxClaims) {
    const message = `Given up after ${config.maxClaims} claims without finishing: every worker that took this request stopped before it was done.`;
    const now = ctx.now();
    await store.db.transaction().execute(async (trx) => {
      const ended = await finishRequest(trx, { bulkRequestId: id, token, status: 'failed', now, errorMessage: message, errorDetails: { code: 'worker_gave_up', claims: request.claims } });
      if (ended) await emitBulkRequestEnded(trx, id, now);
      await notifyRequestChanged(trx, store.caps, id);
    });
    logger.warn({ bulkRequestId: id, claims: request.claims }, 'bulk request failed: too many claims');
    ctx.metrics?.requestsFinished.inc({ status: 'failed' });
    return 'failed';
  }

  const heartbeat = startHeartbeat(store.db, REQUEST_JOB, id, token, ctx.now, config.leaseMs, config.heartbeatMs);
  try {
    return await retryingFaults(logger, { bulkRequestId: id }, ctx.stopping, async (resume) => {
      if (!resume) return runChunks(ctx, request, heartbeat);
      // After a fault: the checkpoint and the claim as the database has them, not as this worker last saw them.
      const current = await store.db.selectFrom('bulk_requests').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current || current.claims !== token) throw new LeaseLost();
      if (current.status !== 'processing') {
        // The last chunk's commit landed but its answer was lost; or the request was cancelled meanwhile.
        logger.info({ bulkRequestId: id, status: current.status }, 'bulk request ended before the fault was noticed');
        return current.status === 'completed' || current.status === 'cancelled' || current.status === 'failed' ? current.status : leaseLost(ctx, id);
      }
      return runChunks(ctx, current, heartbeat);
    });
  } catch (error) {
    if (error instanceof LeaseLost) return leaseLost(ctx, id);
    // A bug, or a database fault met while shutting down: keep the claim counted (max-claims ends a poison
    // request), let the lease lapse so the next attempt comes soon rather than after a whole lease.
    logger.error({ bulkRequestId: id, err: { type: (error as Error).name, message: (error as Error).message } }, 'chunk failed');
    await expireLease(store.db, REQUEST_JOB, id, token, ctx.now()).catch(() => {});
    return 'errored';
  } finally {
    heartbeat.stop();
  }
}

/** A chunk read and validated, not yet written. */
interface LoadedChunk {
  items: ItemRow[];
  prepared: PreparedChunk;
  /** The last chunk of the request: its commit completes it. */
  complete: boolean;
  /** The checkpoint this chunk starts at, and its last item (firstIndex - 1 when it has none). */
  firstIndex: number;
  lastIndex: number;
  /** Characters of staged payload its items carry. */
  chars: number;
}

interface Written extends WrittenChunk {
  complete: boolean;
}

/**
 * Thrown inside a chunk written ahead whose checkpoint statement moved nothing (a cancellation asked, the
 * lease lost): it rolls back, and is written again on its own, which reads the fence and ends the request
 * as it says.
 */
class NotMoved extends Error {}

/** A chunk transaction under way. */
interface InFlight {
  chunk: LoadedChunk;
  /**
   * Settles once its records are in (the next chunk's COPY may begin), with whether they met taken
   * external ids, which decides whether the next chunk looks its ids up first; null when the chunk ended
   * before writing any (cancelled at its fence, lost, failed): then no chunk is begun ahead of it.
   */
  copied: Promise<boolean | null>;
  outcome: Promise<'cancelled' | Written>;
  /** The gate of the chunk after it: opened after this one committed and was counted, shut otherwise. */
  gate: ChunkGate;
}

/**
 * The chunks of a claimed request from its checkpoint on; throws LeaseLost, or whatever the database threw.
 *
 * Where the database has more than one writer (capability `overlappingChunks`), the next chunk's transaction
 * begins on a second connection as soon as this one's records are in: it locks its streams and COPYs its
 * records while this one writes its results and checkpoint statement and commits; then it waits for that
 * commit before its own checkpoint statement, which is its fence. Exactly-once rests on that order
 * (docs/engine.md "Two chunks in flight"): the statement, under the request row's lock, moves the request
 * only from the checkpoint exactly where the chunk starts, so a
 * chunk whose predecessor did not commit can only roll back, and does so at once when this run sees the
 * predecessor fail (its gate is shut). Not while the first records of an upload create its import batch
 * (the next chunk's COPY carries the batch's id) and not for dry runs (they write no records).
 */
async function runChunks(ctx: EngineContext, request: ClaimedRequest, heartbeat: { lost(): boolean }): Promise<RunOutcome> {
  const { store, config, logger } = ctx;
  const token = request.claims;
  const id = request.id;
  const decode = await decoderFor(store, request);
  const importBatch = importBatchTarget(request);
  const overlap = store.caps.overlappingChunks && request.dry_run !== 1;
  let importBatchId: number | null = null;
  const recordsContext = { environmentId: request.environment_id, bulkRequestId: id, source: RECORD_SOURCE[request.source] };
  let processed = request.processed_items;
  // PostgreSQL's COPY path looks up taken external ids first only after a chunk that met one (chunk.ts).
  let lookUpFirst = false;
  // One reader per run: it keeps the segment in hand decoded, for the chunks that follow in it.
  const reader = itemReader(store.db, id);
  const load = async (from: number): Promise<LoadedChunk> => {
    const { items, cut, chars } = await reader.read(from, config.chunkSize);
    const prepared: PreparedChunk = items.length > 0 ? await prepareChunk(store, request, items, decode) : { candidates: [], failures: [] };
    const lastIndex = items.length > 0 ? (items[items.length - 1]?.item_index ?? from) : from - 1;
    return { items, prepared, complete: !cut && items.length < config.chunkSize, firstIndex: from, lastIndex, chars };
  };
  // The next chunk is read and validated while this one is written (on PostgreSQL, on another connection):
  // staged items never change, so reading them early is safe; its streams and property definitions are
  // read one chunk earlier than they would be, and the write re-checks its streams under lock anyway.
  let pending = quiet(load(request.next_index));
  // Chunks rolled back unwritten by an overlap that did not go through, to be written again, in order.
  const redo: LoadedChunk[] = [];
  const take = async (): Promise<LoadedChunk> => {
    const queued = redo.shift();
    if (queued) return queued;
    const chunk = await pending;
    if (!chunk.complete) pending = quiet(load(chunk.lastIndex + 1));
    return chunk;
  };

  // `after`: the chunk this one is written ahead of, null when it is written after a commit.
  const begin = (chunk: LoadedChunk, after: InFlight | null, lookUp: boolean): InFlight => {
    let markCopied!: (metTakenIds: boolean | null) => void;
    const copied = new Promise<boolean | null>((resolve) => (markCopied = resolve));
    const chunkContext = { ...recordsContext, importBatchId, lookUpFirst: lookUp };
    const transaction = store.db.transaction().execute(async (trx): Promise<'cancelled' | Written> => {
      const now = ctx.now();
      if (after === null) {
        // Is the request still ours, still running, and its checkpoint where this chunk starts?
        const fence = await readFence(trx, store, id);
        if (!fence || fence.claims !== token || fence.status !== 'processing' || Number(fence.next_index) !== chunk.firstIndex) throw new LeaseLost();
        if (fence.cancellation_requested_at !== null) {
          if (!(await finishRequest(trx, { bulkRequestId: id, token, status: 'cancelled', now }))) throw new LeaseLost();
          await emitBulkRequestEnded(trx, id, now);
          await notifyRequestChanged(trx, store.caps, id);
          return 'cancelled';
        }
      }
      // A chunk written ahead reads no fence: its checkpoint statement is its fence (advance-checkpoint.ts).
      const afterCopy = async (metTakenIds: boolean) => {
        markCopied(metTakenIds);
        if (after !== null) await after.gate.passed;
      };
      let written: WrittenChunk;
      if (chunk.items.length > 0) {
        written = await writeChunk(trx, store, request, { ...chunkContext, now }, chunk.prepared, chunk.items.length, importBatch, { afterCopy, earlier: after?.chunk.prepared.candidates ?? null });
      } else {
        await afterCopy(false);
        written = { counts: { processed: 0, successful: 0, failed: 0, skipped: 0 }, created: { streams: [], importBatch: null }, importBatchId: chunkContext.importBatchId, newImportBatch: false, copyFallback: null, metTakenIds: false };
      }
      const complete = chunk.complete;
      // On PostgreSQL the same statement notifies the event streams, delivered on commit (docs/live-updates.md).
      const advanced = await advanceCheckpoint(trx, store, {
        bulkRequestId: id,
        token,
        counts: written.counts,
        created: written.created,
        fromIndex: chunk.firstIndex,
        nextIndex: chunk.lastIndex + 1,
        now,
        leaseMs: config.leaseMs,
        complete,
      });
      if (!advanced) throw after === null ? new LeaseLost() : new NotMoved();
      if (written.newImportBatch && written.importBatchId !== null) await emitImportBatchCreated(trx, request.environment_id, written.importBatchId, now);
      if (complete) await emitBulkRequestEnded(trx, id, now);
      return { ...written, complete };
    });
    return { chunk, copied, outcome: quiet(transaction.finally(() => markCopied(null))), gate: chunkGate() };
  };

  let started = performance.now();
  let current: InFlight | null = null;
  let next: InFlight | null = null;
  try {
    for (;;) {
      if (current === null) {
        if (heartbeat.lost()) return leaseLost(ctx, id);
        if (ctx.stopping()) {
          await releaseLease(store.db, REQUEST_JOB, id, token);
          await notifyRequestChanged(store.db, store.caps, id).catch(() => {});
          logger.info({ bulkRequestId: id }, 'released bulk request on shutdown');
          return 'released';
        }
        current = begin(await take(), null, lookUpFirst);
      }
      if (overlap && !current.chunk.complete && (importBatch === null || importBatchId !== null)) {
        // Its look-up follows the chunk before it, as a chunk after a commit would: known once its records are in.
        const metTakenIds = await current.copied;
        // Wide rows: the two chunks together stay within one chunk's payload bound, so the memory the
        // write path holds does not grow with the overlap (the chunk after them is read ahead meanwhile).
        const upcoming = redo[0] ?? (await pending);
        if (metTakenIds !== null && current.chunk.chars + upcoming.chars <= CHUNK_PAYLOAD_CHARS) next = begin(await take(), current, metTakenIds);
      }

      let outcome: 'cancelled' | Written;
      try {
        outcome = await current.outcome;
      } catch (error) {
        if (!(error instanceof NotMoved)) throw error;
        // Written again on their own: the first reads the fence and ends the request as it says.
        current.gate.shut();
        if (next) await next.outcome.catch(() => {});
        redo.unshift(...(next ? [current.chunk, next.chunk] : [current.chunk]));
        current = next = null;
        continue;
      }
      if (outcome === 'cancelled') {
        logger.info({ bulkRequestId: id }, 'bulk request cancelled');
        ctx.metrics?.requestsFinished.inc({ status: 'cancelled' });
        return 'cancelled';
      }
      const metrics = ctx.metrics;
      if (outcome.copyFallback) {
        metrics?.copyFallbacks.inc({ reason: outcome.copyFallback });
        if (outcome.copyFallback === 'concurrent_writer') logger.info({ bulkRequestId: id }, 'chunk redone with INSERT: a concurrent writer took an external id during its COPY');
      }
      lookUpFirst = outcome.metTakenIds;
      // From the previous commit to this one: with reads ahead, that is what a chunk costs.
      const committed = performance.now();
      const seconds = (committed - started) / 1000;
      started = committed;
      if (metrics) {
        metrics.chunkDuration.observe(seconds);
        metrics.itemsProcessed.inc({ outcome: 'successful' }, outcome.counts.successful);
        metrics.itemsProcessed.inc({ outcome: 'failed' }, outcome.counts.failed);
        metrics.itemsProcessed.inc({ outcome: 'skipped' }, outcome.counts.skipped);
      }
      if (outcome.complete) {
        ctx.metrics?.requestsFinished.inc({ status: 'completed' });
        return 'completed';
      }
      // Only now that the chunk committed: a batch created in a rolled-back transaction never existed.
      importBatchId = outcome.importBatchId;
      processed += outcome.counts.processed;
      await ctx.afterChunk?.(id, processed);

      if (next !== null && (heartbeat.lost() || ctx.stopping())) {
        // The run ends at this chunk boundary: the chunk written ahead goes back unwritten.
        current.gate.shut();
        await next.outcome.catch(() => {});
        redo.unshift(next.chunk);
        next = null;
      }
      if (next !== null) current.gate.open();
      current = next;
      next = null;
    }
  } finally {
    // Whatever ends the run, no transaction of it outlives it: one still waiting at its gate rolls back.
    current?.gate.shut();
    if (current) await current.outcome.catch(() => {});
    if (next) await next.outcome.catch(() => {});
  }
}

/**
 * A read started ahead may fail (the database went away) while the chunk before it is still committing, or
 * be abandoned when the request ends; its rejection is seen where it is awaited, never reported unhandled.
 */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function leaseLost(ctx: EngineContext, id: number): RunOutcome {
  ctx.logger.warn({ bulkRequestId: id }, 'lease lost to another worker; this worker commits nothing more');
  ctx.metrics?.leasesLost.inc();
  return 'lost';
}
