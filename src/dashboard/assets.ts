import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the dashboard serves: its bytes, type and a strong ETag, read once at start. */
export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Where the vendor modules are served: fixed local URLs, so the app imports them by absolute URL. */
export const VENDOR_PREFIX = '/ui/vendor/';

/**
 * The package root, found by walking up to package.json. The static files stay in src/dashboard/public
 * (plain JS, no build step); both `tsx src/...` and the compiled `dist/dashboard/*.js` run from below
 * the same root, so resolving from there finds them either way, where import.meta.url alone would not.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

export const PUBLIC_DIR = join(packageRoot(), 'src', 'dashboard', 'public');

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * The vendor modules from node_modules' own ESM builds. preact/hooks imports the bare specifier "preact",
 * which a browser cannot resolve without an import map (an inline one would need a CSP hash); rewriting
 * that one specifier to the served URL keeps `script-src 'self'` plain. Source-map comments are dropped:
 * the maps are not served.
 */
function vendorAssets(): Map<string, Asset> {
  const require = createRequire(join(packageRoot(), 'package.json'));
  const files: Record<string, string> = {
    'preact.mjs': require.resolve('preact'),
    'hooks.mjs': require.resolve('preact/hooks'),
    'htm.mjs': require.resolve('htm'),
  };
  const out = new Map<string, Asset>();
  for (const [name, path] of Object.entries(files)) {
    // htm's "main" may be its CommonJS build: take the ES module beside it.
    const file = name === 'htm.mjs' ? join(dirname(path), 'htm.mjs') : path;
    const text = readFileSync(file, 'utf8')
      .replace(/from\s*"preact"/g, `from"${VENDOR_PREFIX}preact.mjs"`)
      .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
    out.set(`${VENDOR_PREFIX}${name}`, asset(Buffer.from(text, 'utf8'), TYPES['.mjs']!));
  }
  return out;
}

/** Every file under public/ at `/ui/<path>`, plus the vendor modules; nothing else is ever read from disk. */
export function loadAssets(dir = PUBLIC_DIR): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const path of walk(dir)) {
    const type = TYPES[extname(path)];
    if (!type) continue;
    const url = `/ui/${relative(dir, path).split(sep).join('/')}`;
    out.set(url, asset(readFileSync(path), type));
  }
  for (const [url, a] of vendorAssets()) out.set(url, a);
  return out;
}
