import type { Generated } from 'kysely';

/** An isolated tenant space (`test`, `live`, ...). Every key and every object belongs to exactly one. */
export interface EnvironmentTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}
