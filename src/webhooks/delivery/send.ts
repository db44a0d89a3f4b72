import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { addressAllowed, guardedLookup, parseEndpointUrl, UnsafeUrl, type UrlPolicy } from '../url-safety.js';
import type { SignedHeaders } from '../signing.js';

/** Response bodies are kept only this far: enough to see an error page's message, bounded whatever it sends. */
export const RESPONSE_EXCERPT_BYTES = 4096;

export interface AttemptResult {
  /** 2xx: delivered. Anything else, or no answer, is a failed attempt. */
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/**
 * One HTTP attempt: POST the body with its signed headers. A redirect is not followed (it counts as a failed
 * attempt: a 3xx is not a 2xx, and following it would send the event to a URL nobody checked). The whole
 * attempt (DNS, connect, TLS, sending, the response and its body up to the excerpt) must fit in `timeoutMs`;
 * of the body only the first RESPONSE_EXCERPT_BYTES are read, then the connection is dropped.
 */
export async function sendAttempt(rawUrl: string, body: string, headers: SignedHeaders, options: UrlPolicy & { timeoutMs: number }): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    // The rules of the day, not of the day the endpoint was saved: the operator may have tightened them.
    url = parseEndpointUrl(rawUrl, options);
  } catch (error) {
    const message = error instanceof UnsafeUrl ? error.message : (error as Error).message;
    return { ok: false, statusCode: null, durationMs: elapsed(), error: `refused: ${message}`, responseExcerpt: null };
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) && !addressAllowed(host, options)) {
    return { ok: false, statusCode: null, durationMs: elapsed(), error: `refused: ${host} is not a public address`, responseExcerpt: null };
  }
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs' | 'ok'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300 && result.error === null;
      resolve({ ok, ...result, durationMs: elapsed() });
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      // An IP literal is not looked up; it was checked above, and a name is checked again on the addresses used.
      ...(isIP(host) ? {} : { lookup: guardedLookup(options) as never }),
      agent: false,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Sluice-Webhooks/1',
        'content-length': Buffer.byteLength(body),
        ...headers,
      },
    });
    const timer = setTimeout(() => finish({ statusCode: null, error: `timeout: no complete answer within ${options.timeoutMs} ms`, responseExcerpt: null }), options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ENOTPUBLIC' ? 'refused: ' : '';
      finish({ statusCode: null, error: `${refused}${error.code ? `${error.code}: ` : ''}${error.message}`, responseExcerpt: null });
    });
    request.on('response', (response) => {
      const statusCode = response.statusCode ?? null;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        // Any bytes may come back: invalid UTF-8 becomes U+FFFD, and so does NUL, which PostgreSQL text cannot hold.
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replaceAll('\u0000', '\uFFFD');
        const redirect = statusCode !== null && statusCode >= 300 && statusCode < 400;
        finish({ statusCode, error: redirect ? `redirect to ${String(response.headers.location ?? '(no location)').slice(0, 500)} not followed` : null, responseExcerpt: excerpt });
      };
      response.on('data', (chunk: Buffer) => {
        if (kept >= RESPONSE_EXCERPT_BYTES) return;
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= RESPONSE_EXCERPT_BYTES) done();
      });
      response.on('end', done);
      response.on('error', done);
    });
    request.end(body);
  });
}
