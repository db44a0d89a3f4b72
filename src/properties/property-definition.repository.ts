import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { PropertyDefinitionTable, PropertyType } from './property-definition.table.js';

export type PropertyDefinitionRow = Selectable<PropertyDefinitionTable>;
export type PropertyDefinitionWithStreamKey = PropertyDefinitionRow & { data_stream_key: string };

/** What metadata validation needs of a definition (see checkMetadataAgainstDefinitions). */
export interface DefinitionRule {
  key: string;
  type: PropertyType;
  optional: number;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The rules a stream's records must follow, in creation order (which decides the first error reported). */
export async function definitionsForStream(db: Db, streamId: number): Promise<DefinitionRule[]> {
  return db
    .selectFrom('property_definitions')
    .select(['key', 'type', 'optional'])
    .where('data_stream_id', '=', streamId)
    .orderBy('id')
    .execute();
}

function withStreamKey(db: Db) {
  return db
    .selectFrom('property_definitions as p')
    .innerJoin('data_streams as s', 's.id', 'p.data_stream_id')
    .selectAll('p')
    .select('s.key as data_stream_key');
}

export async function listDefinitions(db: Db, environmentId: number, streamId: number): Promise<PropertyDefinitionWithStreamKey[]> {
  return withStreamKey(db)
    .where('p.environment_id', '=', environmentId)
    .where('p.data_stream_id', '=', streamId)
    .orderBy('p.id')
    .execute();
}

export async function findDefinition(db: Db, environmentId: number, id: number): Promise<PropertyDefinitionWithStreamKey | undefined> {
  return withStreamKey(db).where('p.environment_id', '=', environmentId).where('p.id', '=', id).executeTakeFirst();
}

/** Undefined when the stream already defines the key. */
export async function insertDefinition(
  db: Db,
  values: { environment_id: number; data_stream_id: number; key: string; name: string; type: PropertyType; optional: boolean },
  now: number,
): Promise<PropertyDefinitionRow | undefined> {
  return db
    .insertInto('property_definitions')
    .values({ ...values, optional: values.optional ? 1 : 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['data_stream_id', 'key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateDefinition(db: Db, id: number, changes: { name?: string; optional?: boolean }, now: number): Promise<void> {
  await db
    .updateTable('property_definitions')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.optional !== undefined ? { optional: changes.optional ? 1 : 0 } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteDefinition(db: Db, environmentId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('property_definitions')
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
