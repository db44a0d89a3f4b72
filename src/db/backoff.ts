import { databaseFault } from './faults.js';

/**
 * Delay before retry number `attempt` (0-based) after a database fault: capped exponential with jitter,
 * so workers that lost the same database at the same moment do not all come back in the same millisecond.
 * 100 ms, 200 ms, 400 ms ... up to 5 s, each drawn uniformly between half of that and all of it.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export const BACKOFF_BASE_MS = 100;
export const BACKOFF_CAP_MS = 5_000;

/** Waits `ms`, or less if `cancelled` turns true meanwhile (checked every 100 ms): shutdown does not wait out a backoff. */
export async function sleep(ms: number, cancelled: () => boolean = () => false): Promise<void> {
  const until = Date.now() + ms;
  while (!cancelled()) {
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 100)));
  }
}

/**
 * Runs `fn` again, with backoff, for as long as it fails because another process holds SQLite's write lock
 * past the wait (`busy`): a process starting while another writes (a migration or the first key of a new
 * database needs the lock) waits its turn instead of exiting. Any other error, an unreachable database
 * included, is thrown at once: at start that is a clear message and an exit, for the supervisor to retry.
 */
export async function retryWhileBusy<T>(fn: () => Promise<T>, onBusy: (error: Error) => void = () => {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (databaseFault(error) !== 'busy') throw error;
      if (attempt === 0) onBusy(error as Error);
      await sleep(backoffDelay(attempt));
    }
  }
}
