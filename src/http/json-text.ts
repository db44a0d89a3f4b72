import { isUtf8 } from 'node:buffer';
import secureJson from 'secure-json-parse';
import { AppError } from '../errors/app-error.js';

// Every JSON body passes through here before any code that recurses over it (validation, JSON.stringify
// of metadata, the idempotency hash). A body nested 10,000 levels deep would overflow the stack in the
// first of them; one that is not UTF-8 would be decoded with U+FFFD in place of the bad bytes, silently
// changing what the client sent. Both are refused whole: they are broken as JSON texts (RFC 8259 asks for
// UTF-8), not as one record among others. No Fastify here: the staging thread (src/staging/) reads bulk
// bodies with the same function, off the API thread.

/** Objects and arrays inside one another, counting the outermost: `{"a":{"b":1}}` is 2 deep. */
export const MAX_JSON_DEPTH = 64;

/**
 * JSON has no infinity, but a literal such as `1e400` parses to one, and JSON.stringify then writes it as
 * `null`: staged that way, an amount of 1e400 would come back as a missing amount. Such numbers are
 * replaced by these marks. Each holds a lone surrogate, which no accepted string may contain, so a
 * client cannot send a mark as a real value: a row that holds one is refused either way.
 */
export const NON_FINITE_MARKS: ReadonlySet<string> = new Set(['\udfffInfinity', '\udfff-Infinity']);

interface Scan {
  tooDeep: boolean;
  /** A number that may be too large for a double: an exponent, or 309 digits and more. */
  mayOverflow: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** One pass over the text, outside strings only: depth of `{`/`[`, and numbers that may not be finite. */
function scan(text: string): Scan {
  let depth = 0;
  let digits = 0;
  let mayOverflow = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // To the closing quote, natively: strings are most of a body's text. A quote after an odd run of
      // backslashes is escaped. An unterminated string ends the scan; the parser then refuses the body.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return { tooDeep: false, mayOverflow };
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
      digits = 0;
      continue;
    }
    if (isDigit(c)) {
      if (++digits >= 309) mayOverflow = true;
      continue;
    }
    // `e` after a digit is an exponent; the `e` of true and false follows a letter.
    if ((c === 101 || c === 69) && digits > 0) mayOverflow = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) return { tooDeep: true, mayOverflow };
    } else if (c === 125 || c === 93) depth--;
    if (c !== 46) digits = 0;
  }
  return { tooDeep: false, mayOverflow };
}

/** Replaces ±Infinity by its mark, in place; the depth is already bounded, so recursion is safe. */
function markNonFinite(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : value > 0 ? '\udfffInfinity' : '\udfff-Infinity';
  if (value !== null && typeof value === 'object') {
    const holder = value as Record<string, unknown>;
    for (const key of Object.keys(holder)) holder[key] = markNonFinite(holder[key]);
  }
  return value;
}


/** As Fastify's own parser is set up by json-body.ts: `__proto__` and `constructor.prototype` refused. */
const POISONING = { protoAction: 'error', constructorAction: 'error' } as const;

/**
 * A request body as JSON, or an AppError: `invalid_json` (not UTF-8, empty, a syntax error, prototype
 * poisoning; Fastify's parser answered all of these `invalid_json` too) or `body_too_deep`.
 */
export function parseJsonBody(body: Buffer): unknown {
  if (!isUtf8(body)) throw new AppError('invalid_json', 'The request body is not valid UTF-8.');
  const text = body.toString('utf8');
  const { tooDeep, mayOverflow } = scan(text);
  if (tooDeep) throw new AppError('body_too_deep', undefined, { max_depth: MAX_JSON_DEPTH });
  if (text.length === 0) throw new AppError('invalid_json');
  let value: unknown;
  try {
    value = secureJson.parse(text, POISONING);
  } catch {
    throw new AppError('invalid_json');
  }
  return mayOverflow ? markNonFinite(value) : value;
}
