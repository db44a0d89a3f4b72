import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { ImportBatchTable } from './import-batch.table.js';

export type ImportBatchRow = Selectable<ImportBatchTable> & { data_stream_key: string };

function withStreamKey(db: Kysely<Database>) {
  return db
    .selectFrom('import_batches as b')
    .innerJoin('data_streams as s', 's.id', 'b.data_stream_id')
    .selectAll('b')
    .select('s.key as data_stream_key');
}

export async function findImportBatch(db: Kysely<Database>, environmentId: number, id: number): Promise<ImportBatchRow | undefined> {
  return withStreamKey(db).where('b.environment_id', '=', environmentId).where('b.id', '=', id).executeTakeFirst();
}

/** Newest first, offset-paginated as the contract has it; `limit + 1` rows tell whether there is more. */
export async function listImportBatches(db: Kysely<Database>, streamId: number, offset: number, limit: number): Promise<ImportBatchRow[]> {
  return withStreamKey(db)
    .where('b.data_stream_id', '=', streamId)
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(limit + 1)
    .offset(offset)
    .execute();
}
