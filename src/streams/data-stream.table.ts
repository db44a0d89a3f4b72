import type { Generated } from 'kysely';

export interface DataStreamTable {
  id: Generated<number>;
  environment_id: number;
  key: string;
  name: string;
  description: string | null;
  type: string;
  created_at: number;
  updated_at: number;
}
