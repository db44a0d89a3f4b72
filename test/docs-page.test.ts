import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';

// /docs: the API reference page. No storage is involved beyond starting the app, so one database suffices.

describe('/docs', { timeout: 60_000 }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite');
  });
  after(async () => {
    // The browser's keep-alive connections would hold the close for the server's 72 s keep-alive timeout.
    const closing = t.app.close();
    t.app.server.closeAllConnections();
    await closing;
    await t.close();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  test('loads without a key, every asset it names is served from here, and no URL points to another host', async () => {
    const page = await get('/docs/');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.ok(!/https?:\/\//i.test(page.body), 'no http(s) URL in the HTML');
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(page.body), 'no inline script');
    assert.ok(!/<style/i.test(page.body) && !/\sstyle=/i.test(page.body), 'no inline style');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')));
    assert.ok(assets.some((a) => a.endsWith('swagger-initializer.js')));
    assert.ok(assets.some((a) => a.endsWith('.css')));
    for (const asset of assets) {
      const url = new URL(asset, 'http://sluice.local/docs/');
      assert.equal(url.host, 'sluice.local', `${asset} is local`);
      const res = await get(url.pathname);
      assert.equal(res.statusCode, 200, `${url.pathname} is served`);
    }
    // /docs without the slash answers too.
    assert.equal((await get('/docs')).statusCode, 200);
  });

  test('the page sends a CSP that allows only its own scripts and styles', async () => {
    for (const url of ['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js']) {
      const csp = String((await get(url)).headers['content-security-policy'] ?? '');
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      assert.deepEqual(directives['script-src'], ["'self'"], `${url}: ${csp}`);
      assert.deepEqual(directives['style-src'], ["'self'"]);
      assert.deepEqual(directives['default-src'], ["'self'"]);
      assert.deepEqual(directives['object-src'], ["'none'"]);
      assert.ok(!csp.includes('unsafe'), 'nothing unsafe');
    }
  });

  test('the page renders the document /v1/openapi.json serves, and that document is unchanged by it', async () => {
    const initializer = (await get('/docs/static/swagger-initializer.js')).body;
    assert.match(initializer, /resolveUrl\('\.\/json'\)/);
    assert.match(initializer, /validatorUrl: null/, 'no validator badge calling validator.swagger.io');
    const rendered = (await get('/docs/json')).json();
    const served = await get('/v1/openapi.json');
    assert.equal(served.statusCode, 200);
    assert.deepEqual(rendered, served.json());
    assert.ok(!Object.keys(served.json().paths).some((p) => p.startsWith('/docs')), 'the docs routes are not API routes');
    assert.equal(served.json().info.title, 'Sluice API');
  });

  test('in a real browser: the reference renders, with no CSP violation and no request to another host', async () => {
    assert.ok(existsSync('/usr/bin/chromium'), 'Debian chromium is installed (.ci/run installs it)');
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { violations: string[] }).violations = seen;
        document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.columnNumber}`));
      });
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/docs/`);
      await page.getByRole('heading', { name: /Sluice API/ }).waitFor();
      await page.locator('.opblock-tag', { hasText: 'Bulk requests' }).waitFor();
      await page.locator('.opblock-summary-path', { hasText: '/v1/bulk_requests/{id}/events' }).first().waitFor();
      const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
      assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
      assert.deepEqual(errors, []);
      assert.deepEqual(requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:')), [], 'every request goes to Sluice');
    } finally {
      await browser.close();
    }
  });
});
