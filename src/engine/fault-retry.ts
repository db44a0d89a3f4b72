import { databaseFault } from '../db/faults.js';
import { backoffDelay, sleep } from '../db/backoff.js';

/** Faults further apart than this are separate outages: the backoff starts small again. */
const OUTAGE_GAP_MS = 60_000;

/**
 * Runs a claimed job's chunks, and when the database fails under them (restart, dropped connection, a lock
 * held too long) waits a capped exponential backoff with jitter and runs them again. The chunk in flight was
 * rolled back by the database (or never reached it), so nothing of it counts; `resume` must re-read the job
 * row before going on: its checkpoint (a commit whose answer was lost may have landed) and whether the
 * claim is still ours (a freeze or a long outage may have let the lease lapse and another worker take it).
 * Errors that are not faults are rethrown at once: the runner's own failure path handles them.
 */
export async function retryingFaults<T>(
  logger: { warn(obj: object, msg?: string): void },
  labels: Record<string, unknown>,
  stopping: () => boolean,
  run: (resume: boolean) => Promise<T>,
): Promise<T> {
  let attempt = 0;
  let lastFault = 0;
  for (let resume = false; ; resume = true) {
    try {
      return await run(resume);
    } catch (error) {
      const fault = databaseFault(error);
      if (!fault || stopping()) throw error;
      const now = Date.now();
      if (now - lastFault > OUTAGE_GAP_MS) attempt = 0;
      lastFault = now;
      const retryInMs = backoffDelay(attempt++);
      logger.warn(
        { ...labels, fault, attempt, retryInMs, err: { type: (error as Error).name, message: (error as Error).message } },
        fault === 'busy' ? 'database write lock held elsewhere: chunk rolled back, retrying from the checkpoint' : 'database unreachable: chunk rolled back, retrying from the checkpoint',
      );
      await sleep(retryInMs, stopping);
      if (stopping()) throw error;
    }
  }
}
