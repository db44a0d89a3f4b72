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
  /**
   * The pending or running delete/reset of this stream, if any. Writers read it while holding a lock on this
   * row, so no record lands in a stream once an operation on it has been accepted.
   */
  active_operation_id: number | null;
}
