import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets a heap grow past what survived its last full collection before it collects again: 50 %
 * (a factor of 1.5). V8's own factor is chosen per heap, up to 4 when collections are quick, which they are
 * for Sluice's heaps (little survives: segments, chunks and answers are garbage soon after they are built),
 * so each of serve's three heaps grew far past what it kept. Measured on csv and bai2 ingests, both
 * databases (docs/performance.md §6): peak RSS 298 to 432 MB with V8's factor, 214 to 264 MB with this,
 * at the same speed within the runs' spread except bai2's engine on PostgreSQL. The flag is V8's and
 * process-wide, so it bounds the threads' heaps too; it cannot go in NODE_OPTIONS, so it is set here, at
 * the start of every `sluice` command, unless the operator put `--heap-growing-percent` on node's command
 * line (theirs wins).
 */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the growth bound unless node's own command line has one; says whether it did. */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((flag) => /^--heap[-_]growing[-_]percent(=|$)/.test(flag))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
