import type { Format, FormatHandler } from './format.js';
import { csvHandler } from './csv.handler.js';
import { nachaHandler } from './nacha.handler.js';

/** One handler per upload format. */
const HANDLERS: Record<Format, FormatHandler> = {
  csv: csvHandler,
  nacha: nachaHandler,
};

export function handlerFor(format: Format): FormatHandler {
  return HANDLERS[format];
}
