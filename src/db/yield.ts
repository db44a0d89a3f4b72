/**
 * better-sqlite3 is synchronous, so on SQLite every await on the database is a microtask and a loop of
 * them never lets the event loop turn: whatever runs it (an embedded worker's job, an upload staging its
 * batches) holds every HTTP request and every timer until it ends (measured: a 10,000-item drain, 1.9 s
 * without a single timer tick; a 200,000-row upload, stalls of 100-160 ms). Loops that write batch after
 * batch call this between batches: a setImmediate costs microseconds and lets the others through.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
