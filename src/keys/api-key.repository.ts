import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ResultsFormat } from './results-format.js';

/** SHA-256 is enough: keys carry 160 random bits, so there is nothing to brute-force (unlike passwords). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** 20 random bytes in base64url: 160 bits, always 27 characters. */
const RANDOM_PART_LENGTH = 27;

/** `sk_<environment>_<27 base64url chars>`: 160 random bits, and the key shows where it belongs. */
export function generateApiKey(environment: string): string {
  return `sk_${environment}_${randomBytes(20).toString('base64url')}`;
}

/**
 * What may be shown of a key after creation: enough to tell keys apart, never enough to use one.
 * Counted from the end, not from the last "_": base64url (and environment names) contain "_" too.
 * A key chosen by the operator (SLUICE_BOOTSTRAP_KEY, 24+ chars) shows at most 8 characters.
 */
export function keyPrefix(key: string): string {
  const generated = /^sk_[a-z][a-z0-9_]{0,31}_[A-Za-z0-9_-]{27}$/.test(key);
  const visible = generated ? key.length - RANDOM_PART_LENGTH + 4 : Math.min(8, Math.max(0, key.length - 16));
  return `${key.slice(0, visible)}…`;
}

export async function findEnvironmentByName(db: Kysely<Database>, name: string) {
  return db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function ensureEnvironment(db: Kysely<Database>, name: string, now: number): Promise<number> {
  const existing = await findEnvironmentByName(db, name);
  if (existing) return existing.id;
  const row = await db.insertInto('environments').values({ name, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertApiKey(db: Kysely<Database>, environmentId: number, key: string, now: number, resultsFormat: ResultsFormat = 'page') {
  return db
    .insertInto('api_keys')
    .values({
      environment_id: environmentId,
      key_hash: hashApiKey(key),
      key_prefix: keyPrefix(key),
      created_at: now,
      revoked_at: null,
      results_format: resultsFormat,
    })
    .returning(['id', 'key_prefix'])
    .executeTakeFirstOrThrow();
}

/** What a request's key opens and how it wants answers; undefined for an unknown or revoked key. */
export interface KeyAccess {
  environment: { id: number; name: string };
  key: { id: number; resultsFormat: ResultsFormat };
}

export async function accessForKey(db: Kysely<Database>, key: string): Promise<KeyAccess | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('environments', 'environments.id', 'api_keys.environment_id')
    .select(['environments.id as environment_id', 'environments.name as name', 'api_keys.id as key_id', 'api_keys.results_format'])
    .where('api_keys.key_hash', '=', hashApiKey(key))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return { environment: { id: row.environment_id, name: row.name }, key: { id: row.key_id, resultsFormat: row.results_format } };
}

export async function listApiKeys(db: Kysely<Database>) {
  return db
    .selectFrom('api_keys')
    .innerJoin('environments', 'environments.id', 'api_keys.environment_id')
    .select(['api_keys.id', 'api_keys.key_prefix', 'api_keys.created_at', 'api_keys.revoked_at', 'api_keys.results_format', 'environments.name as environment'])
    .orderBy('api_keys.id')
    .execute();
}

const KEY_COLUMNS = ['id', 'key_prefix', 'created_at', 'revoked_at', 'results_format'] as const;

/** The keys of one environment, revoked ones included, oldest first; never their hashes. */
export async function listEnvironmentKeys(db: Kysely<Database>, environmentId: number) {
  return db.selectFrom('api_keys').select(KEY_COLUMNS).where('environment_id', '=', environmentId).orderBy('id').execute();
}

/** One key of one environment: a key of another environment is not found, as an unknown one is not. */
export async function findEnvironmentKey(db: Kysely<Database>, environmentId: number, id: number) {
  return db.selectFrom('api_keys').select(KEY_COLUMNS).where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
}

/**
 * Revokes a key of the environment (the first revocation's time stays on a second one); undefined when the
 * environment has no such key. From this commit on, accessForKey no longer finds it: the next call is 401.
 */
export async function revokeEnvironmentKey(db: Kysely<Database>, environmentId: number, id: number, now: number) {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return findEnvironmentKey(db, environmentId, id);
}

export async function setResultsFormat(db: Kysely<Database>, id: number, resultsFormat: ResultsFormat): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ results_format: resultsFormat }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeApiKey(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * First start on an empty database: create the `test` environment and one key, which the caller prints
 * once. With SLUICE_BOOTSTRAP_KEY that value is the key, so deployments and automated checks know it.
 * Runs in one transaction so two processes starting together cannot both bootstrap.
 */
export async function bootstrapIfEmpty(
  db: Kysely<Database>,
  bootstrapKey: string | undefined,
  now: number,
): Promise<{ environment: string; key: string } | undefined> {
  try {
    return await db.transaction().execute(async (trx) => {
      const any = await trx.selectFrom('environments').select('id').limit(1).executeTakeFirst();
      if (any) return undefined;
      const environmentId = await ensureEnvironment(trx, 'test', now);
      const key = bootstrapKey ?? generateApiKey('test');
      await insertApiKey(trx, environmentId, key, now);
      return { environment: 'test', key };
    });
  } catch (error) {
    // Lost the race to another process starting at the same moment: it bootstrapped, we did not.
    const any = await db.selectFrom('environments').select('id').limit(1).executeTakeFirst();
    if (any) return undefined;
    throw error;
  }
}
