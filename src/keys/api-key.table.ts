import type { Generated } from 'kysely';
import type { ResultsFormat } from './results-format.js';

/** Only the SHA-256 of a key is stored; `key_prefix` (`sk_test_ab12`) lets people tell keys apart. */
export interface ApiKeyTable {
  id: Generated<number>;
  environment_id: number;
  key_hash: string;
  key_prefix: string;
  created_at: number;
  revoked_at: number | null;
  /** How this key's bulk request reads write `results`; 'page' unless set. */
  results_format: Generated<ResultsFormat>;
}
