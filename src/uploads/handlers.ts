import type { Format, FormatHandler } from './format.js';

/** Format handlers register themselves here (src/uploads/csv.handler.ts, nacha.handler.ts). */
const handlers = new Map<Format, FormatHandler>();

export function registerFormat(format: Format, handler: FormatHandler): void {
  handlers.set(format, handler);
}

export function handlerFor(format: Format): FormatHandler | undefined {
  return handlers.get(format);
}
