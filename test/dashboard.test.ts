import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { packageRoot, PUBLIC_DIR } from '../src/dashboard/assets.js';
import { BACKENDS } from './support/backends.js';
import { startTestApp, type TestApp } from './support/app.js';
import { REPO_ROOT } from './support/shared.js';

// What the dashboard's answers promise without a browser: only Sluice's own scripts (CSP), every module
// a page imports is served, the whole app stays under 200 KB of gzipped JS, and nothing else is reachable.
// test/browser/ drives the pages themselves.

/** Every module reachable from main.js by its static imports, with its body. */
async function moduleGraph(t: TestApp): Promise<Map<string, Buffer>> {
  const seen = new Map<string, Buffer>();
  const queue = ['/ui/js/main.js'];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 200, `${url} is imported but answers ${res.statusCode}`);
    assert.match(String(res.headers['content-type']), /^text\/javascript/, url);
    seen.set(url, res.rawPayload);
    for (const m of res.body.matchAll(/(?:import|export)\s*(?:[\w*{}\s,]+from\s*)?["']([^"']+)["']/g)) {
      const spec = m[1]!;
      assert.ok(spec.startsWith('/') || spec.startsWith('.'), `${url} imports the bare specifier "${spec}", which a browser cannot resolve`);
      queue.push(new URL(spec, `http://x${url}`).pathname);
    }
  }
  return seen;
}

for (const backend of BACKENDS) {
  describe(`dashboard assets on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    test('/ is the app shell, without a key, with a CSP that allows only Sluice\'s own scripts', async () => {
      const res = await t.app.inject({ url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:/);
      assert.match(csp, /frame-ancestors 'none'/);
      // No inline script: every <script> names its file.
      for (const tag of res.body.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\ssrc="\/ui\//);
      assert.match(res.body, /<script type="module" src="\/ui\/js\/main\.js">/);
    });

    test('every module the app imports is served, by absolute URL, and all of it is under 200 KB gzipped', async () => {
      const graph = await moduleGraph(t);
      for (const vendor of ['/ui/vendor/preact.mjs', '/ui/vendor/hooks.mjs', '/ui/vendor/htm.mjs']) assert.ok(graph.has(vendor), `${vendor} is loaded`);
      assert.ok(graph.size > 10);
      const gzipped = [...graph.values()].reduce((sum, body) => sum + gzipSync(body).length, 0);
      assert.ok(gzipped < 200 * 1024, `${gzipped} bytes`);
      for (const [url, body] of graph) assert.doesNotMatch(body.toString(), /\beval\(|new Function\(/, url);
    });

    test('assets carry the CSP and an ETag, and answer 304 when unchanged', async () => {
      const res = await t.app.inject({ url: '/ui/app.css' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/css/);
      assert.ok(res.headers['content-security-policy']);
      const again = await t.app.inject({ url: '/ui/app.css', headers: { 'if-none-match': String(res.headers.etag) } });
      assert.equal(again.statusCode, 304);
    });

    test('nothing outside the served files is reachable, and the pages are not API operations', async () => {
      for (const url of ['/ui/nope.js', '/ui/../package.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/js/../../assets.ts', '/ui/vendor/preact.mjs.map']) {
        const res = await t.app.inject({ url });
        assert.ok(res.statusCode === 404, `${url} answered ${res.statusCode}`);
        assert.doesNotMatch(res.body, /"name": "sluice"|import \{/);
      }
      const doc = (await t.call('GET', '/v1/openapi.json')).body;
      assert.ok(!Object.keys(doc.paths).some((p: string) => p === '/' || p.startsWith('/ui')));
    });

    test('the API key is never needed for, nor accepted in, the page URL', async () => {
      const res = await t.app.inject({ url: `/?api_key=${t.key}` });
      assert.equal(res.statusCode, 200);
      assert.ok(!res.body.includes(t.key));
      const api = await t.app.inject({ url: `/v1/data_streams?api_key=${t.key}` });
      assert.equal(api.statusCode, 401);
    });
  });
}

test('the static files are found from the package root, from src (tsx) and from dist (npm start) alike', () => {
  assert.equal(packageRoot(join(REPO_ROOT, 'dist', 'dashboard')), REPO_ROOT);
  assert.equal(packageRoot(join(REPO_ROOT, 'src', 'dashboard')), REPO_ROOT);
  assert.equal(PUBLIC_DIR, join(REPO_ROOT, 'src', 'dashboard', 'public'));
});
