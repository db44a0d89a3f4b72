import type { EngineContext } from '../engine/run-request.js';
import type { ClaimedOperation } from '../engine/sql/claim-operation.js';
import { advanceOperation } from '../engine/sql/advance-operation.js';
import { deleteRecordsBatch, type RecordKeyset } from '../engine/sql/delete-records-batch.js';
import { completeOperation, failOperation } from '../engine/sql/finish-operation.js';
import { operationIsOurs } from '../engine/sql/operation-fence.js';
import { expireLease, OPERATION_JOB, releaseLease, startHeartbeat } from '../engine/sql/row-job.js';
import { recordCounts } from '../streams/record-counts.js';
import { retryingFaults } from '../engine/fault-retry.js';
import { emitOperationCompleted } from '../webhooks/emit.js';

/**
 * Records deleted per chunk transaction. Large enough that a million-record stream takes 200 commits, small
 * enough that a chunk holds its locks (and PostgreSQL its transition table) for a fraction of a second.
 */
export const OPERATION_BATCH_SIZE = 5_000;

export interface OperationContext extends Omit<EngineContext, 'afterChunk'> {
  batchSize: number;
  /** Observer called after each committed chunk; tests use it to pause a run. */
  afterChunk?: (operationId: number, deletedSoFar: number) => void | Promise<void>;
}

export type OperationOutcome = 'completed' | 'failed' | 'released' | 'lost' | 'errored';

class LeaseLost extends Error {}

/**
 * Runs one claimed delete/reset chunk by chunk, each chunk one transaction: fence, delete the next batch of
 * the stream's records by keyset, advance progress, checkpoint and lease. The last chunk also removes the
 * import batches (and, for a delete, the property definitions and the stream) and completes the operation,
 * so a crash at any point leaves either the previous checkpoint or the finished operation.
 */
export async function runOperation(ctx: OperationContext, operation: ClaimedOperation): Promise<OperationOutcome> {
  const { store, config, logger } = ctx;
  const id = operation.id;
  const token = operation.claims;
  const streamId = operation.data_stream_id;

  if (operation.claims - operation.released_claims > config.maxClaims) {
    const errorMessage = `Given up after ${config.maxClaims} claims without finishing: every worker that took this operation stopped before it was done. The stream accepts writes again; start a new ${operation.kind} to finish it.`;
    await store.db.transaction().execute((trx) => failOperation(trx, { operationId: id, token, streamId, now: ctx.now(), errorMessage }));
    logger.warn({ operationId: id, claims: operation.claims }, 'stream operation failed: too many claims');
    return 'failed';
  }

  const heartbeat = startHeartbeat(store.db, OPERATION_JOB, id, token, ctx.now, config.leaseMs, config.heartbeatMs);
  try {
    return await retryingFaults(logger, { operationId: id }, ctx.stopping, async (resume) => {
      if (!resume) return runChunks(ctx, operation, heartbeat);
      // After a fault: the checkpoint and the claim as the database has them (see fault-retry.ts).
      const current = await store.db.selectFrom('stream_operations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current || current.claims !== token) throw new LeaseLost();
      if (current.status !== 'running') {
        logger.info({ operationId: id, status: current.status }, 'stream operation ended before the fault was noticed');
        return current.status === 'completed' || current.status === 'failed' ? current.status : leaseLost(ctx, id);
      }
      return runChunks(ctx, current, heartbeat);
    });
  } catch (error) {
    if (error instanceof LeaseLost) return leaseLost(ctx, id);
    // As for bulk requests: the claim stays counted (max-claims ends a poison operation), the lease lapses now.
    logger.error({ operationId: id, err: { type: (error as Error).name, message: (error as Error).message } }, 'stream operation chunk failed');
    await expireLease(store.db, OPERATION_JOB, id, token, ctx.now()).catch(() => {});
    return 'errored';
  } finally {
    heartbeat.stop();
  }
}

/** The chunks of a claimed operation from its checkpoint on; throws LeaseLost, or whatever the database threw. */
async function runChunks(ctx: OperationContext, operation: ClaimedOperation, heartbeat: { lost(): boolean }): Promise<OperationOutcome> {
  const { store, config, logger } = ctx;
  const id = operation.id;
  const token = operation.claims;
  const streamId = operation.data_stream_id;
  // Writers are kept out from the moment the operation was accepted, so this count stays the total.
  const total = operation.total_records ?? (await recordCounts(store.db, streamId)).records;
  let after: RecordKeyset | null =
    operation.checkpoint_created_at !== null && operation.checkpoint_id !== null
      ? { createdAt: operation.checkpoint_created_at, id: operation.checkpoint_id }
      : null;
  let deleted = operation.deleted_records;
  for (;;) {
    if (heartbeat.lost()) return leaseLost(ctx, id);
    if (ctx.stopping()) {
      await releaseLease(store.db, OPERATION_JOB, id, token);
      logger.info({ operationId: id }, 'released stream operation on shutdown');
      return 'released';
    }
    const chunk = await store.db.transaction().execute(async (trx) => {
      if (!(await operationIsOurs(trx, store.caps, id, token))) throw new LeaseLost();
      const now = ctx.now();
      const batch = await deleteRecordsBatch(trx, streamId, after, ctx.batchSize);
      if (batch.next === null) {
        const done = await completeOperation(trx, store.caps, operation.kind, { operationId: id, token, streamId, now, deleted: batch.deleted, total });
        if (!done) throw new LeaseLost();
        await emitOperationCompleted(trx, id, now);
        return { deleted: batch.deleted, next: null };
      }
      const advanced = await advanceOperation(trx, { operationId: id, token, deleted: batch.deleted, total, checkpoint: batch.next, now, leaseMs: config.leaseMs });
      if (!advanced) throw new LeaseLost();
      return { deleted: batch.deleted, next: batch.next };
    });
    deleted += chunk.deleted;
    if (chunk.next === null) {
      logger.info({ operationId: id, kind: operation.kind, deleted }, 'stream operation completed');
      return 'completed';
    }
    after = chunk.next;
    await ctx.afterChunk?.(id, deleted);
  }
}

function leaseLost(ctx: OperationContext, id: number): OperationOutcome {
  ctx.logger.warn({ operationId: id }, 'operation lease lost to another worker; this worker commits nothing more');
  ctx.metrics?.leasesLost.inc();
  return 'lost';
}
