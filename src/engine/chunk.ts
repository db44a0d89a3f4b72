import type { Transaction } from 'kysely';
import type { Store } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { checkMetadataAgainstDefinitions, type ItemError } from '../records/validate-record.js';
import type { PropertyType } from '../properties/property-definition.table.js';
import type { ChunkCounts, CreatedTotals } from './sql/advance-checkpoint.js';
import type { ClaimedRequest } from './sql/claim-request.js';
import { streamCountRows } from './sql/count-records.js';
import { conflictKey, findExisting } from './sql/find-existing.js';
import { copyRecords, insertRecords, type NewRecordRow, type RecordsContext } from './sql/insert-records.js';
import { insertResults, type ResultRow } from './sql/insert-results.js';
import { lockStreams } from './sql/lock-streams.js';
import { batchTotals, dropEmptyImportBatch, ensureImportBatch } from './sql/import-batch.js';
import type { ItemRow } from './sql/read-items.js';
import type { ItemDecoder } from './sources.js';

/** A chunk after validation: the rows that may become records, and the items that already failed. */
export interface PreparedChunk {
  candidates: NewRecordRow[];
  failures: ResultRow[];
}

function failure(itemIndex: number, error: ItemError): ResultRow {
  return { item_index: itemIndex, status: 'failed', record_id: null, error_code: error.code, error: error.message, data_stream_id: null, external_id: null };
}

/**
 * Validation of a chunk, outside any transaction (items are immutable once staged): decoding, field rules,
 * the target stream (one query per chunk) and metadata against that stream's property definitions.
 */
export async function prepareChunk(store: Store, request: ClaimedRequest, items: ItemRow[], decode: ItemDecoder): Promise<PreparedChunk> {
  const decoded = items.map((item) => ({ item, result: decode(item) }));
  const keys = new Set<string>();
  for (const d of decoded) if (d.result.ok) keys.add(d.result.draft.data_stream_key);

  const streams = new Map<string, number>();
  const definitions = new Map<number, Array<{ key: string; type: PropertyType; optional: number }>>();
  if (keys.size > 0) {
    const rows = await store.db
      .selectFrom('data_streams')
      .select(['id', 'key'])
      .where('environment_id', '=', request.environment_id)
      .where('key', 'in', [...keys])
      .execute();
    for (const row of rows) streams.set(row.key, row.id);
    if (rows.length > 0) {
      const defs = await store.db
        .selectFrom('property_definitions')
        .select(['data_stream_id', 'key', 'type', 'optional'])
        .where('data_stream_id', 'in', rows.map((r) => r.id))
        // Same order as POST /records checks them, so one record reports the same first error either way.
        .orderBy('id')
        .execute();
      for (const def of defs) {
        const list = definitions.get(def.data_stream_id) ?? [];
        list.push(def);
        definitions.set(def.data_stream_id, list);
      }
    }
  }

  const prepared: PreparedChunk = { candidates: [], failures: [] };
  for (const { item, result } of decoded) {
    if (!result.ok) {
      prepared.failures.push(failure(item.item_index, result.error));
      continue;
    }
    const draft = result.draft;
    const streamId = streams.get(draft.data_stream_key);
    if (streamId === undefined) {
      prepared.failures.push(
        failure(item.item_index, { code: 'unknown_data_stream', message: `data_stream_key "${draft.data_stream_key.slice(0, 64)}" names no data stream in this environment.`, field: 'data_stream_key' }),
      );
      continue;
    }
    const defs = definitions.get(streamId);
    const metadataError = defs ? checkMetadataAgainstDefinitions(draft.metadata, defs) : undefined;
    if (metadataError) {
      prepared.failures.push(failure(item.item_index, metadataError));
      continue;
    }
    prepared.candidates.push({
      item_index: item.item_index,
      data_stream_id: streamId,
      external_id: draft.external_id,
      date: draft.date,
      amount: draft.amount,
      direction: draft.direction,
      currency: draft.currency,
      description: draft.description,
      metadata: draft.metadataJson,
    });
  }
  return prepared;
}

/**
 * The candidates whose stream can take records now. The others become failed results: `stream_busy` while a
 * delete or reset of their stream is under way (nothing lands in a stream being emptied), and
 * `unknown_data_stream` when the stream was deleted after validation. Read in the chunk's transaction under
 * the stream lock of lock-streams.ts, so a chunk and an operation starting on the same stream cannot both
 * believe they came first.
 */
async function writableCandidates(trx: Transaction<Database>, store: Store, candidates: NewRecordRow[], results: ResultRow[]): Promise<NewRecordRow[]> {
  if (candidates.length === 0) return candidates;
  const streams = await lockStreams(trx, store.caps, candidates.map((c) => c.data_stream_id));
  const writable: NewRecordRow[] = [];
  for (const row of candidates) {
    const operationId = streams.get(row.data_stream_id);
    if (operationId === undefined) {
      results.push(failure(row.item_index, { code: 'unknown_data_stream', message: 'The data stream was deleted before this item was processed.', field: 'data_stream_key' }));
    } else if (operationId !== null) {
      results.push(
        failure(row.item_index, {
          code: 'stream_busy',
          message: `The data stream was being deleted or reset (operation ${operationId}) when this item was processed, so no record was added to it. Once the operation has ended, retry the request if the stream still exists.`,
        }),
      );
    } else writable.push(row);
  }
  return writable;
}

/** Where an upload's records are accounted: its root request (retries share it), null for JSON and dry runs. */
export interface ImportBatchTarget {
  rootBulkRequestId: number;
  source: 'csv_upload' | 'nacha_upload' | 'bai2_upload' | 'camt053_upload';
  filename: string | null;
}

/** What writing a chunk's records did: the created ones, the ones whose external id was taken, and how. */
interface CreatedRecords {
  /** Item index -> the new record's id; null when COPY wrote it (COPY returns no ids: looked up if needed). */
  created: Map<number, number | null>;
  /** Item index -> id of the record that already holds its (stream, external_id). */
  conflicts: Map<number, number | null>;
  /** PostgreSQL: how the COPY fell back to INSERT, if it did (metric sluice_copy_fallbacks_total). */
  copyFallback: CopyFallback | null;
}

/**
 * `no_look_up`: a COPY without a look-up met an external id that was already taken (the first conflict
 * of a run of them: the chunks after it look up first). `concurrent_writer`: a COPY after a look-up met one
 * that another writer took in between.
 */
export type CopyFallback = 'no_look_up' | 'concurrent_writer';

/**
 * Creates the rows' records, none of which repeats a (stream, external_id) of another (writeChunk saw to
 * that). PostgreSQL: `COPY`, with one indexed look-up of the taken external ids first when the request
 * has lately met some (`lookUpFirst`), so that COPY gets only rows expected to land; a new file's chunks
 * skip the look-up, which probes the unique index once per row, the same work COPY does again. When the
 * COPY meets a taken id anyway (there was no look-up, or a concurrent writer took one in between) it fails
 * on the unique index and rolls back to its savepoint, and the same rows are written with `INSERT ... ON
 * CONFLICT DO NOTHING`, which waits for such writers and leaves out what they took. SQLite: the prepared
 * insert (one writer: nobody can come in between).
 */
async function createRecords(trx: Transaction<Database>, store: Store, ctx: RecordsContext, rows: NewRecordRow[]): Promise<CreatedRecords> {
  const conflicts = new Map<number, number | null>();
  const keyed = (r: NewRecordRow) => ({ data_stream_id: r.data_stream_id, external_id: r.external_id as string });
  let fallback: CopyFallback | null = null;
  if (store.caps.copyFrom) {
    let free = rows;
    if (ctx.lookUpFirst) {
      const existing = await findExisting(trx, store, rows.filter((r) => r.external_id !== null).map(keyed));
      if (existing.size > 0) {
        free = [];
        for (const row of rows) {
          const key = row.external_id === null ? undefined : conflictKey(row.data_stream_id, row.external_id);
          if (key !== undefined && existing.has(key)) conflicts.set(row.item_index, existing.get(key) ?? null);
          else free.push(row);
        }
      }
    }
    if (await copyRecords(trx, store, ctx, free)) return { created: new Map(free.map((r) => [r.item_index, null])), conflicts, copyFallback: null };
    fallback = ctx.lookUpFirst ? 'concurrent_writer' : 'no_look_up';
    rows = free;
  }
  const created: Map<number, number | null> = await insertRecords(trx, store, ctx, rows);
  const missing = created.size === rows.length ? [] : rows.filter((r) => !created.has(r.item_index));
  if (missing.length > 0) {
    const existing = await findExisting(trx, store, missing.map(keyed));
    for (const row of missing) conflicts.set(row.item_index, existing.get(conflictKey(row.data_stream_id, row.external_id as string)) ?? null);
  }
  return { created, conflicts, copyFallback: fallback };
}

/** How a chunk follows the one before it (run-request.ts, docs/engine.md "Two chunks in flight"). */
export interface ChunkSequence {
  /**
   * Runs once the chunk's records are in, told whether they met taken external ids: a chunk written ahead
   * waits there for the chunk before it to commit.
   */
  afterCopy(metTakenIds: boolean): Promise<void>;
  /** Written ahead: the candidates of the chunk before it, which is still committing; null otherwise. */
  earlier: readonly NewRecordRow[] | null;
}

/** What writing a chunk did, for its checkpoint statement (advance-checkpoint.ts). */
export interface WrittenChunk {
  counts: ChunkCounts;
  /** What its created records add to their streams' counts and to the import batch. */
  created: CreatedTotals;
  importBatchId: number | null;
  /** This chunk created the upload's import batch: its `import_batch.created` event follows the checkpoint, with the totals. */
  newImportBatch: boolean;
  copyFallback: CopyFallback | null;
  metTakenIds: boolean;
}

/**
 * Writes a prepared chunk inside the chunk transaction and returns its counts. External-id conflicts are
 * settled here, where they can be known for certain: against committed records (the insert's ON CONFLICT),
 * and between items of the same request (SPEC 17: a later item conflicts with an earlier one exactly as if
 * the earlier had existed before; earlier chunks are already records, earlier items of this chunk are
 * tracked in `firstOf`).
 *
 * `sequence.afterCopy` runs once the chunk's records are in, before its results (its counts, import batch
 * totals and checkpoint follow in one statement, advance-checkpoint.ts).
 * A chunk written ahead (PostgreSQL) waits there for the chunk before it to commit; its COPY came after
 * that chunk's, and leaves out the ids that chunk carries (`earlier`, settled after the wait), so it
 * never waits for that chunk on the unique index, nor that chunk for it; and nothing else it holds before
 * the wait (its streams `FOR KEY SHARE`, its new rows) is anything the earlier chunk still needs.
 */
export async function writeChunk(
  trx: Transaction<Database>,
  store: Store,
  request: ClaimedRequest,
  ctx: RecordsContext,
  chunk: PreparedChunk,
  itemCount: number,
  importBatch: ImportBatchTarget | null,
  sequence: ChunkSequence,
): Promise<WrittenChunk> {
  const results: ResultRow[] = [...chunk.failures];
  const toInsert: NewRecordRow[] = [];
  const later: NewRecordRow[] = [];
  const firstOf = new Map<string, number>();
  for (const row of await writableCandidates(trx, store, chunk.candidates, results)) {
    if (row.external_id === null) {
      toInsert.push(row);
      continue;
    }
    const key = conflictKey(row.data_stream_id, row.external_id);
    if (firstOf.has(key)) later.push(row);
    else {
      firstOf.set(key, row.item_index);
      toInsert.push(row);
    }
  }
  // A chunk written ahead leaves out of its COPY the ids the chunk before it carries: whether that chunk
  // created them is known only after its commit (they would make the COPY wait for it, then fall back).
  const earlier = sequence.earlier === null ? null : new Set(sequence.earlier.flatMap((r) => (r.external_id === null ? [] : [conflictKey(r.data_stream_id, r.external_id)])));
  const afterEarlier = new Set(earlier === null ? [] : toInsert.filter((r) => r.external_id !== null && earlier.has(conflictKey(r.data_stream_id, r.external_id))));

  const totals: CreatedTotals = { streams: [], importBatch: null };
  let newImportBatch = false;
  const conflictOf = new Map<number, number | null>(); // item index -> existing record id (null: dry-run would-be)
  let created = new Map<number, number | null>();
  let copyFallback: CopyFallback | null = null;
  const dryRun = request.dry_run === 1;
  if (dryRun) {
    const pairs = toInsert.filter((r) => r.external_id !== null).map((r) => ({ data_stream_id: r.data_stream_id, external_id: r.external_id as string }));
    const existing = await findExisting(trx, store, pairs, request.id);
    for (const row of toInsert) {
      const key = row.external_id === null ? undefined : conflictKey(row.data_stream_id, row.external_id);
      if (key !== undefined && existing.has(key)) conflictOf.set(row.item_index, existing.get(key) ?? null);
      else results.push({ item_index: row.item_index, status: 'successful', record_id: null, error_code: null, error: null, data_stream_id: row.data_stream_id, external_id: row.external_id });
    }
    await sequence.afterCopy(false);
  } else {
    let newBatch = false;
    if (importBatch && ctx.importBatchId === null && toInsert.length > 0) {
      const first = toInsert[0]!;
      const batch = await ensureImportBatch(trx, {
        environmentId: request.environment_id,
        dataStreamId: first.data_stream_id,
        rootBulkRequestId: importBatch.rootBulkRequestId,
        source: importBatch.source,
        filename: importBatch.filename,
        currency: first.currency,
        now: ctx.now,
      });
      ctx = { ...ctx, importBatchId: batch.id };
      newBatch = batch.created;
    }
    const first = afterEarlier.size === 0 ? toInsert : toInsert.filter((r) => !afterEarlier.has(r));
    const written = await createRecords(trx, store, ctx, first);
    // A chunk written ahead waits here for the one before it to commit (run-request.ts).
    await sequence.afterCopy(written.conflicts.size > 0 || written.copyFallback !== null);
    created = written.created;
    copyFallback = written.copyFallback;
    for (const [itemIndex, recordId] of written.conflicts) conflictOf.set(itemIndex, recordId);
    if (afterEarlier.size > 0) {
      // The chunk before committed: the ids it created are records now, like any taken id; the rest are written.
      const taken = await findExisting(trx, store, [...afterEarlier].map((r) => ({ data_stream_id: r.data_stream_id, external_id: r.external_id as string })));
      const free: NewRecordRow[] = [];
      for (const row of afterEarlier) {
        const id = taken.get(conflictKey(row.data_stream_id, row.external_id as string));
        if (id !== undefined) conflictOf.set(row.item_index, id);
        else free.push(row);
      }
      if (free.length > 0) {
        const rest = await createRecords(trx, store, { ...ctx, lookUpFirst: false }, free);
        for (const [itemIndex, recordId] of rest.created) created.set(itemIndex, recordId);
        for (const [itemIndex, recordId] of rest.conflicts) conflictOf.set(itemIndex, recordId);
        copyFallback ??= rest.copyFallback;
      }
    }
    const createdRows = created.size === toInsert.length ? toInsert : toInsert.filter((r) => created.has(r.item_index));
    const batchId = ctx.importBatchId;
    // Written by the chunk's checkpoint statement (advance-checkpoint.ts), with its counters.
    totals.streams = streamCountRows(createdRows.map((r) => ({ data_stream_id: r.data_stream_id, import_batch_id: batchId })));
    const batchAdds = batchId === null ? null : batchTotals(createdRows);
    if (batchId !== null && batchAdds !== null) totals.importBatch = { id: batchId, totals: batchAdds };
    if (newBatch && batchAdds === null) {
      await dropEmptyImportBatch(trx, batchId as number);
      ctx = { ...ctx, importBatchId: null };
    }
    newImportBatch = newBatch && batchAdds !== null;
  }
  // Items repeating one this chunk created refer to its record; COPY gave no ids, so those few are looked up.
  const unknown = later.filter((row) => {
    const first = firstOf.get(conflictKey(row.data_stream_id, row.external_id as string)) as number;
    return created.has(first) && created.get(first) === null;
  });
  const copiedIds = unknown.length > 0 ? await findExisting(trx, store, unknown.map((r) => ({ data_stream_id: r.data_stream_id, external_id: r.external_id as string }))) : undefined;
  for (const row of later) {
    const key = conflictKey(row.data_stream_id, row.external_id as string);
    const first = firstOf.get(key) as number;
    const firstId = created.get(first) ?? copiedIds?.get(key) ?? conflictOf.get(first) ?? null;
    conflictOf.set(row.item_index, firstId);
  }
  const metTakenIds = conflictOf.size > later.length || copyFallback !== null;

  let skipped = 0;
  for (const [itemIndex, recordId] of conflictOf) {
    if (request.on_conflict === 'skip') {
      skipped++;
      results.push({ item_index: itemIndex, status: 'skipped', record_id: recordId, error_code: null, error: null, data_stream_id: null, external_id: null });
    } else {
      const which = recordId === null ? 'an earlier item of this request' : `record ${recordId}`;
      results.push({
        item_index: itemIndex,
        status: 'failed',
        record_id: recordId,
        error_code: 'duplicate_external_id',
        error: `A record with this external_id already exists in the data stream (${which}).`,
        data_stream_id: null,
        external_id: null,
      });
    }
  }
  await insertResults(trx, store, request.id, results);

  const failed = results.filter((r) => r.status === 'failed').length;
  const successful = itemCount - failed - skipped;
  return { counts: { processed: itemCount, successful, failed, skipped }, created: totals, importBatchId: ctx.importBatchId, newImportBatch, copyFallback, metTakenIds };
}
