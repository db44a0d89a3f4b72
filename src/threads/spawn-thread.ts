import { Worker as Thread } from 'node:worker_threads';

/**
 * A thread's heap is not bound by the process's `--max-old-space-size`: it gets V8's default. When the
 * operator set one (on the command line or in NODE_OPTIONS), each thread of `sluice serve` gets the same, so
 * the one knob they know bounds every heap.
 */
function heapCap(): { maxOldGenerationSizeMb?: number } {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let mb: number | undefined;
  for (const flag of flags) {
    const match = /^--max-old-space-size=(\d+)$/.exec(flag);
    if (match) mb = Number(match[1]);
  }
  return mb === undefined ? {} : { maxOldGenerationSizeMb: mb };
}

/**
 * Starts the thread whose entry module is `name` beside `callerUrl` (the caller's `import.meta.url`), from a
 * build (`name.js`) or from source (`name.ts`). A thread does not inherit `--import tsx`, so from source it
 * registers the loader itself before importing its entry.
 */
export function spawnThread(callerUrl: string, name: string, workerData: unknown): Thread {
  const resourceLimits = heapCap();
  if (callerUrl.endsWith('.ts')) {
    const entry = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
    return new Thread(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData, resourceLimits });
  }
  return new Thread(new URL(`./${name}.js`, callerUrl), { workerData, resourceLimits });
}
