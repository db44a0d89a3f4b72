import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

// Fastify logs one line per request with its URL. Headers and bodies carry API keys and account numbers,
// so they are never logged; a URL is logged, but not as sent: a client may put its key in the query string
// (`?api_key=sk_...`, refused with 401, but already in the request line) or anywhere else in the URL.

/** Query parameters whose value is a secret whatever it looks like. */
const SECRET_NAMES = /^(x[-_]?)?api[-_]?key$|^(access[-_]?)?token$|^secret$|^password$|^authorization$|^key$/i;
/** Anything shaped like a Sluice key (`sk_<environment>_<random>`), in any part of the URL. */
const KEY_LIKE = /sk_[a-z0-9]/i;
const REDACTED = '[redacted]';

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** The URL to log: path segments and query values that hold or look like a key become `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q))
    .split('/')
    .map((segment) => (KEY_LIKE.test(decoded(segment)) ? REDACTED : segment))
    .join('/');
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      if (KEY_LIKE.test(decoded(name))) return REDACTED;
      if (SECRET_NAMES.test(decoded(name).trim()) || KEY_LIKE.test(decoded(value))) return `${name}=${REDACTED}`;
      return pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/**
 * Fastify's request serializer, with the URL redacted and nothing else added: method, url, host and
 * remote address, as Fastify logs them by default.
 */
export const logSerializers = {
  // Anything logged as `req` passes here, not only Fastify's requests: nothing may be assumed of it.
  req(request: { method?: unknown; url?: unknown; host?: unknown; ip?: unknown } | null | undefined) {
    if (request === null || typeof request !== 'object') return request;
    return { method: request.method, url: typeof request.url === 'string' ? redactUrl(request.url) : undefined, host: request.host, remoteAddress: request.ip };
  },
};

/**
 * Headers with secrets, wherever a logged object holds them: @fastify/multipart logs its busboy options,
 * request headers included, at trace level.
 */
const SECRET_HEADERS = ['["x-api-key"]', 'authorization', 'cookie', '["idempotency-key"]'];
const SECRET_HEADERS_PATHS = ['headers', '*.headers', '*.*.headers'].flatMap((at) => SECRET_HEADERS.map((h) => `${at}${h.startsWith('[') ? h : `.${h}`}`));
/** Webhook signing secrets (docs/webhooks.md): never logged, whatever object carries them. */
const WEBHOOK_SECRETS = ['secret', 'previous_secret'].flatMap((name) => [name, `*.${name}`, `*.*.${name}`]);
const REDACT_PATHS = [...SECRET_HEADERS_PATHS, ...WEBHOOK_SECRETS];

/** Sluice's logger: request URLs through the serializer, secret headers redacted wherever they appear. */
export function createLogger(config: Config): Logger {
  return pino({
    name: 'sluice',
    level: config.logLevel,
    serializers: logSerializers,
    redact: {
      paths: REDACT_PATHS,
      censor: REDACTED,
    },
  });
}
