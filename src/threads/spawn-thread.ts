import { Worker as Thread } from 'node:worker_threads';

/**
 * The young generation each thread gets when node runs without `--max-semi-space-size` (with it, as under
 * `npm start`, the threads take the same: 3 x 4 = 12 MB, which the full bench runs measured). V8's
 * default lets each heap's new space grow to 32 MB, and `serve` has three heaps (the API thread's, the
 * engine thread's, the staging thread's): during a 1,000,000-row CSV ingest all three sat at 32 MB of new
 * space, about a quarter of the process's RSS. At 8 MB (with the API thread's semi-space at 4 MB), three of
 * the four csv and nacha runs peaked 88 to 103 MB lower at the same speed; at 4 MB (semi-space 2) lower
 * again, but the engine was up to a fifth slower on PostgreSQL (docs/performance.md §6). The
 * API thread's own young generation only node's options can bound (command line or NODE_OPTIONS): `npm start`, `npm run sluice` and
 * the systemd unit pass `--max-semi-space-size=4`.
 */
export const THREAD_YOUNG_GENERATION_MB = 8;

/**
 * A thread's heap is not bound by the process's `--max-old-space-size` or `--max-semi-space-size` once it
 * is given resource limits of its own: the operator's flags (on the command line or in NODE_OPTIONS) are
 * copied into them, so the knobs they know bound every heap of `sluice serve`.
 */
export function threadResourceLimits(flags: readonly string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]): {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb: number;
} {
  let oldMb: number | undefined;
  let semiMb: number | undefined;
  for (const flag of flags) {
    const old = /^--max-old-space-size=(\d+)$/.exec(flag);
    if (old) oldMb = Number(old[1]);
    const semi = /^--max-semi-space-size=(\d+)$/.exec(flag);
    if (semi) semiMb = Number(semi[1]);
  }
  // V8's young generation is three semi-spaces (two for the scavenger, one for new large objects).
  const youngMb = semiMb === undefined ? THREAD_YOUNG_GENERATION_MB : Math.max(1, semiMb * 3);
  return { ...(oldMb === undefined ? {} : { maxOldGenerationSizeMb: oldMb }), maxYoungGenerationSizeMb: youngMb };
}

/**
 * Starts the thread whose entry module is `name` beside `callerUrl` (the caller's `import.meta.url`), from a
 * build (`name.js`) or from source (`name.ts`). A thread does not inherit `--import tsx`, so from source it
 * registers the loader itself before importing its entry.
 */
export function spawnThread(callerUrl: string, name: string, workerData: unknown): Thread {
  const resourceLimits = threadResourceLimits();
  if (callerUrl.endsWith('.ts')) {
    const entry = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
    return new Thread(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData, resourceLimits });
  }
  return new Thread(new URL(`./${name}.js`, callerUrl), { workerData, resourceLimits });
}
