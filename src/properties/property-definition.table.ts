import type { Generated } from 'kysely';

export type PropertyType = 'number' | 'date' | 'datetime' | 'string' | 'boolean';

export interface PropertyDefinitionTable {
  id: Generated<number>;
  environment_id: number;
  data_stream_id: number;
  key: string;
  name: string;
  type: PropertyType;
  /** 0/1: booleans are integers on both databases so rows read the same everywhere. */
  optional: number;
  created_at: number;
  updated_at: number;
}
