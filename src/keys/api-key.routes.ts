import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { parseId } from '../http/pagination.js';
import { commonErrors, IdParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { findEnvironmentKey, generateApiKey, insertApiKey, listEnvironmentKeys, revokeEnvironmentKey } from './api-key.repository.js';
import { ApiKey, ApiKeyList, CreateApiKeyBody, CreatedApiKey, CurrentApiKey, serializeApiKey } from './api-key.schemas.js';

/**
 * The API keys of the caller's environment (docs/api-keys.md), for the dashboard and for automation. Every
 * route stays inside the key's environment; the secret is in the creation answer only, the hash in none.
 */
export async function apiKeyRoutes(app: App, deps: RouteDeps) {
  const { store, now } = deps;
  const tags = ['API keys'];

  app.get(
    '/api_keys',
    {
      schema: {
        tags,
        summary: "List the API keys of the caller's environment",
        description: 'Prefixes and dates only, revoked keys included, oldest first; `current` marks the key of this call.',
        response: { 200: ApiKeyList, ...commonErrors },
      },
    },
    async (request) => {
      const rows = await listEnvironmentKeys(store.db, request.environment.id);
      return { data: rows.map((row) => serializeApiKey(row, request.apiKey.id)) };
    },
  );

  app.get(
    '/api_keys/current',
    {
      schema: {
        tags,
        summary: 'The API key of this call and its environment',
        response: { 200: CurrentApiKey, ...commonErrors },
      },
    },
    async (request) => {
      const row = await findEnvironmentKey(store.db, request.environment.id, request.apiKey.id);
      // Revoked between the auth check and this read: the key no longer opens anything.
      if (!row) throw new AppError('unauthorized');
      return { key: serializeApiKey(row, request.apiKey.id), environment: { name: request.environment.name } };
    },
  );

  app.post(
    '/api_keys',
    {
      schema: {
        tags,
        summary: "Create an API key in the caller's environment",
        description: 'The answer holds the secret (`key`), this once: no later answer shows more than its prefix.',
        body: Type.Optional(CreateApiKeyBody),
        response: { 201: CreatedApiKey, ...commonErrors },
      },
    },
    async (request, reply) => {
      const key = generateApiKey(request.environment.name);
      const created = await insertApiKey(store.db, request.environment.id, key, now(), request.body?.results_format ?? 'page');
      const row = await findEnvironmentKey(store.db, request.environment.id, created.id);
      if (!row) throw new Error('the key just created was not found');
      return reply.status(201).send({ ...serializeApiKey(row, request.apiKey.id), key });
    },
  );

  app.delete(
    '/api_keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key',
        description:
          "Keys of the caller's environment only (another environment's id answers 404). Revoking the key of this call is allowed: its next call answers 401. Revoking a revoked key answers it unchanged.",
        params: IdParams,
        response: { 200: ApiKey, ...commonErrors },
      },
    },
    async (request) => {
      const id = parseId(request.params.id, 'api_key_not_found');
      const row = await revokeEnvironmentKey(store.db, request.environment.id, id, now());
      if (!row) throw new AppError('api_key_not_found');
      return serializeApiKey(row, request.apiKey.id);
    },
  );
}
