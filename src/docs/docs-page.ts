import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every /docs answer. @fastify/swagger-ui 5.2.6 needs no inline script or
 * style: its index.html loads swagger-ui-bundle.js, swagger-ui-standalone-preset.js and the generated
 * swagger-initializer.js as files, and its stylesheets as files (its static/csp.json lists no hashes to
 * allow). Swagger UI's own styling at run time goes through element.style, which style-src does not govern.
 * So: Sluice's own scripts and styles only. `img-src data:` is for the logo the initializer writes as a data
 * URI; `connect-src 'self'` lets "Try it out" call this server and nothing else. docs/api-docs.md.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

/**
 * /docs: the API reference, rendered by Swagger UI from the document /v1/openapi.json serves (the plugin
 * serves the same `app.swagger()` object at /docs/json). Every asset comes from the installed package, none
 * from a CDN. Public, like the OpenAPI document itself: the routes are marked public as they are declared,
 * so the auth hook lets them through and the rate limiter leaves them alone.
 */
export async function docsPage(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    // validatorUrl left unset: the plugin then writes null, and no badge sends the document to validator.swagger.io.
    theme: { title: 'Sluice API reference' },
    // BaseLayout, not the default StandaloneLayout: the latter's top bar draws Swagger's logo as an inline SVG
    // with a <style> element, which style-src 'self' blocks (a CSP violation on every load). Without the top
    // bar there is no inline style left to allow or hash; the bar held only that logo and a URL box.
    uiConfig: { layout: 'BaseLayout', docExpansion: 'list', deepLinking: true, tryItOutEnabled: false },
  });
}
