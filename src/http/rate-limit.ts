import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.js';

/** Per API key (hashed: the key must not sit in memory as a map key longer than needed), else per address. */
export const rateLimiting = fp(async (app: FastifyInstance, opts: { max: number; windowMs: number }) => {
  await app.register(rateLimit, {
    max: opts.max,
    timeWindow: opts.windowMs,
    keyGenerator: (request) => {
      const key = request.headers['x-api-key'];
      if (typeof key === 'string' && key.length > 0) return createHash('sha256').update(key).digest('hex');
      return `ip:${request.ip}`;
    },
    allowList: (request) => request.routeOptions.config?.public === true,
    errorResponseBuilder: (_request, context) => {
      const error = new AppError('rate_limited', `Too many requests for this API key; retry in ${Math.ceil(context.ttl / 1000)} s.`);
      return Object.assign(error, { statusCode: 429 });
    },
  });
});
