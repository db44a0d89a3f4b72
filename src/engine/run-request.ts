import type { Store } from '../db/connect.js';
import type { EngineConfig } from '../config.js';
import type { EngineMetrics } from '../metrics.js';
import { prepareChunk, writeChunk, type ImportBatchTarget, type PreparedChunk } from './chunk.js';
import { advanceCheckpoint } from './sql/advance-checkpoint.js';
import type { ClaimedRequest } from './sql/claim-request.js';
import { readFence } from './sql/fence.js';
import { finishRequest } from './sql/finish-request.js';
import { expireLease, releaseLease, REQUEST_JOB, startHeartbeat } from './sql/row-job.js';
import { itemReader } from './sql/read-items.js';
import { notifyRequestChanged } from './sql/notify-change.js';
import { decoderFor, RECORD_SOURCE } from './sources.js';
import { retryingFaults } from './fault-retry.js';

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
    await finishRequest(store.db, { bulkRequestId: id, token, status: 'failed', now: ctx.now(), errorMessage: message, errorDetails: { code: 'worker_gave_up', claims: request.claims } });
    await notifyRequestChanged(store.db, store.caps, id);
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

/** The chunks of a claimed request from its checkpoint on; throws LeaseLost, or whatever the database threw. */
async function runChunks(ctx: EngineContext, request: ClaimedRequest, heartbeat: { lost(): boolean }): Promise<RunOutcome> {
  const { store, config, logger } = ctx;
  const token = request.claims;
  const id = request.id;
  const decode = await decoderFor(store, request);
  const importBatch = importBatchTarget(request);
  let importBatchId: number | null = null;
  const recordsContext = { environmentId: request.environment_id, bulkRequestId: id, source: RECORD_SOURCE[request.source] };
  let nextIndex = request.next_index;
  let processed = request.processed_items;
  // One reader per run: it keeps the segment in hand decoded, for the chunks that follow in it.
  const reader = itemReader(store.db, id);
  const load = async (from: number) => {
    const { items, cut } = await reader.read(from, config.chunkSize);
    const prepared: PreparedChunk = items.length > 0 ? await prepareChunk(store, request, items, decode) : { candidates: [], failures: [] };
    return { items, prepared, complete: !cut && items.length < config.chunkSize };
  };
  let pending = quiet(load(nextIndex));
  let started = performance.now();
  for (;;) {
    if (heartbeat.lost()) return leaseLost(ctx, id);
    if (ctx.stopping()) {
      await releaseLease(store.db, REQUEST_JOB, id, token);
      await notifyRequestChanged(store.db, store.caps, id).catch(() => {});
      logger.info({ bulkRequestId: id }, 'released bulk request on shutdown');
      return 'released';
    }
    const { items, prepared, complete } = await pending;
    const lastIndex = items.length > 0 ? (items[items.length - 1]?.item_index ?? nextIndex) : nextIndex - 1;
    // The next chunk is read and validated while this one commits (on PostgreSQL, on another connection):
    // staged items never change, so reading them early is safe; its streams and property definitions are
    // read one chunk earlier than they would be, and the write re-checks its streams under lock anyway.
    if (!complete) pending = quiet(load(lastIndex + 1));

    const outcome = await store.db.transaction().execute(async (trx) => {
      const fence = await readFence(trx, store.caps, id);
      if (!fence || fence.claims !== token || fence.status !== 'processing') throw new LeaseLost();
      const now = ctx.now();
      if (fence.cancellation_requested_at !== null) {
        await finishRequest(trx, { bulkRequestId: id, token, status: 'cancelled', now });
        await notifyRequestChanged(trx, store.caps, id);
        return 'cancelled' as const;
      }
      const written =
        items.length > 0
          ? await writeChunk(trx, store, request, { ...recordsContext, importBatchId, now }, prepared, items.length, importBatch)
          : { counts: { processed: 0, successful: 0, failed: 0, skipped: 0 }, importBatchId, copyFallback: false };
      const counts = written.counts;
      const advanced = await advanceCheckpoint(trx, { bulkRequestId: id, token, counts, nextIndex: lastIndex + 1, now, leaseMs: config.leaseMs, complete });
      if (!advanced) throw new LeaseLost();
      // In the chunk's transaction: delivered on its commit, in commit order (docs/live-updates.md).
      await notifyRequestChanged(trx, store.caps, id);
      return { counts, complete, importBatchId: written.importBatchId, copyFallback: written.copyFallback };
    });

    if (outcome === 'cancelled') {
      logger.info({ bulkRequestId: id }, 'bulk request cancelled');
      ctx.metrics?.requestsFinished.inc({ status: 'cancelled' });
      return 'cancelled';
    }
    const metrics = ctx.metrics;
    if (outcome.copyFallback) {
      metrics?.copyFallbacks.inc();
      logger.info({ bulkRequestId: id }, 'chunk redone with INSERT: a concurrent writer took an external id during its COPY');
    }
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
    nextIndex = lastIndex + 1;
    // Only now that the chunk committed: a batch created in a rolled-back transaction never existed.
    importBatchId = outcome.importBatchId;
    processed += outcome.counts.processed;
    await ctx.afterChunk?.(id, processed);
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
