#!/usr/bin/env node
// `sluice` from any directory: every path here is relative to this file, never to the working directory
// (`npm link` and `npm install -g .` reach it through a symlink, which Node resolves to the real file).
// A build (`npm run build`; `npm start` builds first) runs from dist/. A checkout that was never built runs
// from source through tsx, the development dependency, so a fresh clone's `sluice` works too.
// No node flags on the first line: `env -S` is GNU and BSD, not BusyBox (Alpine), and a `sluice` that does
// not start is worse than one with a larger young generation. `npm start`, `npm run sluice` and the systemd
// unit pass --max-semi-space-size=4; run from the PATH, NODE_OPTIONS=--max-semi-space-size=4 does the same.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    const root = fileURLToPath(new URL('..', import.meta.url));
    process.stderr.write(`sluice: not built and tsx is not installed; run \`npm ci && npm run build\` in ${root}\n`);
    process.exit(2);
  }
  tsx.register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
