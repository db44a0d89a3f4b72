import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.js';

function hasNul(values: unknown): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && value.includes('\u0000')) return name;
    if (Array.isArray(value) && value.some((v) => typeof v === 'string' && v.includes('\u0000'))) return name;
  }
  return undefined;
}

/**
 * No path or query value may contain NUL (U+0000): PostgreSQL cannot even compare such text, so it would
 * reach the database as an error. Refused here, once, for every route, before any handler runs.
 */
export const textGuard = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    const inParams = hasNul(request.params);
    const inQuery = inParams ? undefined : hasNul(request.query);
    if (inParams) throw new AppError('validation_failed', `params.${inParams} must not contain NUL (U+0000) characters.`);
    if (inQuery) throw new AppError('invalid_filter', `querystring.${inQuery} must not contain NUL (U+0000) characters.`, { field: inQuery });
  });
});
