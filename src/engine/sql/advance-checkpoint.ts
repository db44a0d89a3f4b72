import { sql, type Transaction } from 'kysely';
import type { Store } from '../../db/connect.js';
import { CHANGES_CHANNEL } from '../../db/change-channel.js';
import type { Database } from '../../db/database.js';
import type { StreamCountRow } from './count-records.js';
import type { BatchTotals } from './import-batch.js';
import { sqliteHandle, statement } from './sqlite-statements.js';

export interface ChunkCounts {
  processed: number;
  successful: number;
  failed: number;
  skipped: number;
}

/** What a chunk's created records add: their streams' record counts, and their import batch's totals. */
export interface CreatedTotals {
  streams: StreamCountRow[];
  importBatch: { id: number; totals: BatchTotals } | null;
}

export interface CheckpointArgs {
  bulkRequestId: number;
  token: number;
  counts: ChunkCounts;
  created: CreatedTotals;
  /** Where the chunk starts: the request moves only if its checkpoint is still exactly there. */
  fromIndex: number;
  nextIndex: number;
  now: number;
  leaseMs: number;
  complete: boolean;
}

/**
 * The last statement of a chunk: its streams' record counts, its import batch totals, counters, checkpoint,
 * heartbeat and lease move together with the chunk's records, in its transaction, so what the API reports is
 * always exactly what is committed. The request moves only if it is still ours (`claims = token`), still
 * `processing` with no cancellation asked, and its checkpoint is where the chunk starts: the fence a second
 * time for a chunk that read it (its row lock, or SQLite's write lock, already guarantees it), and the
 * fence itself for a chunk written ahead, which reads none (run-request.ts). False: nothing moved, and the
 * caller rolls the chunk back. When the chunk was the last one, the request completes in the same commit.
 *
 * PostgreSQL: one statement (data-modifying `WITH`), so the chunk's last writes cost one round
 * trip. The counter rows are written before the batch row and the batch row before the request row (each
 * step waits for the one before it: its `WHERE` reads that step's output), the order of the separate
 * statements this replaced. The same statement announces the chunk to the API's event streams
 * (capability `changeNotifications`, docs/live-updates.md): `pg_notify` over the updated request row,
 * delivered when, and only if, the chunk commits, in commit order; no row updated, no notification.
 * SQLite: the same writes as cached prepared statements (preparing costs more than running them); its
 * streams poll the row instead of being notified.
 */
export async function advanceCheckpoint(trx: Transaction<Database>, store: Store, args: CheckpointArgs): Promise<boolean> {
  const handle = sqliteHandle(store, trx);
  if (handle) return advanceOnSqlite(handle, args);
  const { counts, now, created } = args;
  const streams = created.streams;
  const batch = created.importBatch;
  const counted =
    streams.length === 0
      ? null
      : sql`counted AS (
          INSERT INTO stream_record_counts AS c (data_stream_id, slot, records, orphans)
          SELECT t.s, ${streams[0]!.slot}::int, t.r, t.o
          FROM unnest(${streams.map((s) => s.data_stream_id)}::bigint[], ${streams.map((s) => s.records)}::bigint[], ${streams.map((s) => s.orphans)}::bigint[]) AS t(s, r, o)
          ON CONFLICT (data_stream_id, slot) DO UPDATE SET records = c.records + excluded.records, orphans = c.orphans + excluded.orphans
          RETURNING 1
        )`;
  const batched =
    batch === null
      ? null
      : sql`batched AS (
          UPDATE import_batches SET
            record_count = record_count + ${batch.totals.records},
            total_credits = total_credits + ${batch.totals.credits},
            total_debits = total_debits + ${batch.totals.debits},
            date_range_start = CASE WHEN date_range_start IS NULL OR ${batch.totals.first} < date_range_start THEN ${batch.totals.first} ELSE date_range_start END,
            date_range_end = CASE WHEN date_range_end IS NULL OR ${batch.totals.last} > date_range_end THEN ${batch.totals.last} ELSE date_range_end END
          WHERE id = ${batch.id} ${counted ? sql`AND (SELECT count(*) FROM counted) >= 0` : sql``}
          RETURNING 1
        )`;
  const after = batched ? sql`AND (SELECT count(*) FROM batched) >= 0` : counted ? sql`AND (SELECT count(*) FROM counted) >= 0` : sql``;
  const moved = sql`moved AS (
    UPDATE bulk_requests SET
      processed_items = processed_items + ${counts.processed},
      successful_items = successful_items + ${counts.successful},
      failed_items = failed_items + ${counts.failed},
      skipped_items = skipped_items + ${counts.skipped},
      next_index = ${args.nextIndex},
      last_progress_at = ${now},
      lease_expires_at = ${now + args.leaseMs},
      status = ${args.complete ? 'completed' : 'processing'},
      completed_at = ${args.complete ? now : null},
      lease_owner = CASE WHEN ${args.complete ? 1 : 0} = 1 THEN NULL ELSE lease_owner END
    WHERE id = ${args.bulkRequestId} AND claims = ${args.token} AND status = 'processing'
      AND next_index = ${args.fromIndex} AND cancellation_requested_at IS NULL ${after}
    RETURNING id, environment_id
  )`;
  const ctes = sql.join([counted, batched, moved].filter((c) => c !== null), sql`, `);
  const result = store.caps.changeNotifications
    ? await sql`WITH ${ctes} SELECT pg_notify(${CHANGES_CHANNEL}, current_schema() || ':' || environment_id || ':' || id) FROM moved`.execute(trx)
    : await sql`WITH ${ctes} SELECT id FROM moved`.execute(trx);
  return result.rows.length === 1;
}

function advanceOnSqlite(handle: NonNullable<ReturnType<typeof sqliteHandle>>, args: CheckpointArgs): boolean {
  const { counts, now, created } = args;
  const count = statement(
    handle,
    `INSERT INTO stream_record_counts (data_stream_id, slot, records, orphans) VALUES (?, ?, ?, ?)
     ON CONFLICT (data_stream_id, slot) DO UPDATE SET records = records + excluded.records, orphans = orphans + excluded.orphans`,
  );
  for (const s of created.streams) count.run(s.data_stream_id, s.slot, s.records, s.orphans);
  const batch = created.importBatch;
  if (batch !== null) {
    statement(
      handle,
      `UPDATE import_batches SET
         record_count = record_count + @records,
         total_credits = total_credits + @credits,
         total_debits = total_debits + @debits,
         date_range_start = CASE WHEN date_range_start IS NULL OR @first < date_range_start THEN @first ELSE date_range_start END,
         date_range_end = CASE WHEN date_range_end IS NULL OR @last > date_range_end THEN @last ELSE date_range_end END
       WHERE id = @id`,
    ).run({ id: batch.id, ...batch.totals });
  }
  const moved = statement(
    handle,
    `UPDATE bulk_requests SET
       processed_items = processed_items + @processed,
       successful_items = successful_items + @successful,
       failed_items = failed_items + @failed,
       skipped_items = skipped_items + @skipped,
       next_index = @nextIndex,
       last_progress_at = @now,
       lease_expires_at = @leaseExpiresAt,
       status = @status,
       completed_at = @completedAt,
       lease_owner = CASE WHEN @complete = 1 THEN NULL ELSE lease_owner END
     WHERE id = @id AND claims = @token AND status = 'processing' AND next_index = @fromIndex AND cancellation_requested_at IS NULL`,
  ).run({
    ...counts,
    nextIndex: args.nextIndex,
    now,
    leaseExpiresAt: now + args.leaseMs,
    status: args.complete ? 'completed' : 'processing',
    completedAt: args.complete ? now : null,
    complete: args.complete ? 1 : 0,
    id: args.bulkRequestId,
    token: args.token,
    fromIndex: args.fromIndex,
  });
  return moved.changes === 1;
}
