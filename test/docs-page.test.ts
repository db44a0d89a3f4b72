import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';

// /docs: the API reference page. No storage is involved beyond starting the app, so one database suffices.

describe('/docs', { timeout: 60_000 }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite');
  });
  after(async () => {
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
});
