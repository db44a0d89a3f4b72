import type { Format, FormatHandler } from './format.js';
import { nachaHandler } from './nacha.handler.js';

/** One handler per upload format. */
const HANDLERS: Partial<Record<Format, FormatHandler>> = {
  nacha: nachaHandler,
};

export function handlerFor(format: Format): FormatHandler | undefined {
  return HANDLERS[format];
}
