import { sql, type ColumnDefinitionBuilder } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/**
 * Surrogate keys. PostgreSQL: a bigint identity. SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT`, because only
 * the exact type name INTEGER makes the rowid alias, and AUTOINCREMENT never hands out a deleted row's id
 * again (ids are public; reusing one would make an old link point at a new record).
 */
export function idColumn(caps: Capabilities) {
  if (caps.dialect === 'postgres') {
    return {
      type: 'bigint' as const,
      build: (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity(),
    };
  }
  return {
    type: sql`integer`,
    build: (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement(),
  };
}
