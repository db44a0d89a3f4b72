import type { FastifyInstance, FastifyReply } from 'fastify';
import { loadAssets, type Asset } from './assets.js';

/**
 * Only Sluice's own scripts, styles and connections: no inline script, no eval, no other origin. The app
 * sets styles through the DOM (CSSOM), which `style-src 'self'` allows; nothing may frame it (the
 * sign-in form takes a secret).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function send(reply: FastifyReply, file: Asset, ifNoneMatch: string | undefined) {
  reply.header('content-security-policy', DASHBOARD_CSP);
  reply.header('referrer-policy', 'no-referrer');
  // Revalidated on every load (cheap: a 304 by ETag), so an upgraded server never runs with stale modules.
  reply.header('cache-control', 'no-cache');
  reply.header('etag', file.etag);
  if (ifNoneMatch === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

/**
 * The dashboard: one HTML page at `/` and its modules under `/ui/`, all read into memory at start from a
 * fixed set of files (no path from a request ever reaches the file system). Public like the probes: the
 * page holds no data; every datum comes from /v1 with the key the user signs in with.
 */
export async function dashboard(app: FastifyInstance) {
  const assets = loadAssets();
  const index = assets.get('/ui/index.html');
  if (!index) throw new Error('dashboard: src/dashboard/public/index.html is missing');

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (request, reply) =>
    send(reply, index, request.headers['if-none-match']),
  );

  app.get('/ui/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const file = assets.get(request.url.split('?')[0]!);
    if (!file) {
      reply.header('content-security-policy', DASHBOARD_CSP);
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
    return send(reply, file, request.headers['if-none-match']);
  });
}
