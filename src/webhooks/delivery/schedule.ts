/**
 * The delay before the next attempt after `attempts` failed ones, or null when the schedule is exhausted
 * (the delivery has failed). Each delay is jittered by ±20 %, so that deliveries that failed together (an
 * endpoint down for a while) do not all come back in the same second.
 */
export function retryDelay(scheduleMs: number[], attempts: number, random: () => number = Math.random): number | null {
  const base = scheduleMs[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + 0.4 * random()));
}
