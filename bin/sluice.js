#!/usr/bin/env -S node --max-semi-space-size=4
// `sluice` from any directory: every path here is relative to this file, never to the working directory
// (`npm link` and `npm install -g .` reach it through a symlink, which Node resolves to the real file).
// A build (`npm run build`; `npm start` builds first) runs from dist/. A checkout that was never built runs
// from source through tsx, the development dependency, so a fresh clone's `sluice` works too.
// --max-semi-space-size=4 bounds the main thread's young generation, which only node's command line can
// (the threads bound their own: src/threads/spawn-thread.ts); `npm start` passes the same flag.
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
