import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * Fastify's request serializer logs only method, url, host and remote address; headers and bodies carry
 * API keys and account numbers, so they stay out. The redaction is a second fence should anyone ever log a
 * request's headers by hand.
 */
export function createLogger(config: Config): Logger {
  return pino({
    name: 'sluice',
    level: config.logLevel,
    redact: {
      paths: ['req.headers["x-api-key"]', 'req.headers.authorization', 'headers["x-api-key"]', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
