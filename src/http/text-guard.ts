import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.js';
import { NON_FINITE_MARKS } from './json-text.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route checks the text of its body itself (records: a bad string is that record's error, with its
     * own code, and in a bulk request it fails one row, not the request).
     */
    checksOwnText?: boolean;
  }
}

// Text that cannot be stored as sent is refused before any handler runs. NUL (U+0000): PostgreSQL text
// cannot hold it, so it would reach the database as an error. A lone surrogate (`"\ud800"` in JSON) is no
// character at all: both drivers would write U+FFFD in its place, silently changing the value. And the
// marks json-body.ts puts in place of numbers such as 1e400.

function hasNul(value: string): boolean {
  return value.indexOf('\u0000') !== -1;
}

/** Node 20 has String.prototype.isWellFormed; the ES2022 types do not. */
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

/** What is wrong with a string, worded to follow its field's name; undefined when nothing is. */
export function textProblem(value: string): string | undefined {
  if (hasNul(value)) return 'must not contain NUL (U+0000) characters';
  if (NON_FINITE_MARKS.has(value)) return 'is not a finite number';
  if (!isWellFormed(value)) return 'is not valid Unicode text (it holds a lone surrogate)';
  return undefined;
}

/** A mark of a non-finite number (json-body.ts), where other text is fine. */
export const nonFiniteProblem = (value: string) => (NON_FINITE_MARKS.has(value) ? 'is not a finite number' : undefined);

/** The first string (key or value) in a parsed JSON value with a problem, by default one that cannot be stored as sent. */
export function badTextIn(
  value: unknown,
  path: string,
  problemOf: (text: string) => string | undefined = textProblem,
  depth = 0,
): { path: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { path, problem } : undefined;
  }
  // JSON bodies are at most MAX_JSON_DEPTH deep (json-body.ts); the bound only guards other callers.
  if (value === null || typeof value !== 'object' || depth > 1000) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = badTextIn(value[i], `${path}[${i}]`, problemOf, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  // Only parsed JSON: a raw upload's body is a stream, and is not walked.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const key of Object.keys(value)) {
    const keyProblem = problemOf(key);
    if (keyProblem) return { path: `${path} key ${JSON.stringify(key.slice(0, 40))}`, problem: keyProblem };
    const found = badTextIn((value as Record<string, unknown>)[key], `${path}.${key}`, problemOf, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function badParam(values: unknown, where: 'params' | 'querystring'): { path: string; problem: string } | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values)) {
    const found = badTextIn(value, `${where}.${name}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * A `data_stream_key` that cannot be a key names no stream: every route that takes one answers
 * `unknown_data_stream` for it, without a query (validate-record.ts `isPossibleStreamKey`).
 */
function withoutStreamKey(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'data_stream_key')) return body;
  const { data_stream_key: _ignored, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** Every route's path, query and (unless it checks its own) JSON body, once, before validation. */
export const textGuard = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    const inParams = badParam(request.params, 'params');
    if (inParams) throw new AppError('validation_failed', `${inParams.path} ${inParams.problem}.`);
    const inQuery = badParam(request.query, 'querystring');
    if (inQuery) throw new AppError('invalid_filter', `${inQuery.path} ${inQuery.problem}.`, { field: inQuery.path.slice('querystring.'.length) });
    if (request.routeOptions.config?.checksOwnText) return;
    const inBody = badTextIn(withoutStreamKey(request.body), 'body');
    if (inBody) throw new AppError('validation_failed', `${inBody.path} ${inBody.problem}.`, { field: inBody.path });
  });
});
