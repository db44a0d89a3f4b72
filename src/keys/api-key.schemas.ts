import { Type } from 'typebox';
import { iso } from '../http/pagination.js';
import { NullableTimestamp, Timestamp } from '../http/schemas.js';
import { RESULTS_FORMATS } from './results-format.js';

// The API keys API (docs/api-keys.md). A key's secret appears in exactly one answer, the 201 of its
// creation; every other answer shows key_prefix only. The hash is never shown.

const ResultsFormatSchema = Type.Enum(RESULTS_FORMATS, {
  description: 'How GET /v1/bulk_requests/{id} writes results for this key (docs/compatibility.md)',
});

const apiKeyProperties = {
  id: Type.Integer(),
  key_prefix: Type.String({ description: 'The start of the key, enough to tell keys apart (sk_test_ab12…), never enough to use one' }),
  created_at: Timestamp,
  revoked_at: NullableTimestamp,
  results_format: ResultsFormatSchema,
  current: Type.Boolean({ description: 'True for the key this call was made with' }),
};

export const ApiKey = Type.Object(apiKeyProperties, { $id: 'ApiKey' });

/** The answer to POST /v1/api_keys: the only one that ever holds the secret. */
export const CreatedApiKey = Type.Object({
  ...apiKeyProperties,
  key: Type.String({ description: 'The secret: shown in this answer only, store it now. Send it as X-API-KEY.' }),
});

export const ApiKeyList = Type.Object({
  data: Type.Array(ApiKey, { description: "Every key of the caller's environment, revoked ones included, oldest first" }),
});

export const CreateApiKeyBody = Type.Union([
  Type.Object({ results_format: Type.Optional(ResultsFormatSchema) }, { additionalProperties: false }),
  Type.Null(),
]);

export const CurrentApiKey = Type.Object({
  key: ApiKey,
  environment: Type.Object({ name: Type.String({ description: 'The environment the key opens (test, live, ...)' }) }),
});

export interface ApiKeyRow {
  id: number;
  key_prefix: string;
  created_at: number;
  revoked_at: number | null;
  results_format: (typeof RESULTS_FORMATS)[number];
}

export function serializeApiKey(row: ApiKeyRow, callerKeyId: number) {
  return {
    id: row.id,
    key_prefix: row.key_prefix,
    created_at: iso(row.created_at),
    revoked_at: iso(row.revoked_at),
    results_format: row.results_format,
    current: row.id === callerKeyId,
  };
}
