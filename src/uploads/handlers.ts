import type { Format, FormatHandler } from './format.js';
import { csvHandler } from './csv.handler.js';
import { nachaHandler } from './nacha.handler.js';
import { bai2Handler } from './bai2.handler.js';
import { camt053Handler } from './camt053.handler.js';
import type { NotAFile } from './sniff-file.js';

/** One handler per upload format. */
const HANDLERS: Record<Format, FormatHandler> = {
  csv: csvHandler,
  nacha: nachaHandler,
  bai2: bai2Handler,
  camt053: camt053Handler,
};

export function handlerFor(format: Format): FormatHandler {
  return HANDLERS[format];
}

/** For a file that is plainly neither format (sniff-file.ts): it ends `failed` unread, saying what it looks like. */
export function refusingHandler(problem: NotAFile): FormatHandler {
  return {
    async ingest() {
      return { ok: false, message: problem.message, errors: [{ line: null, field: null, code: problem.code, message: problem.message }], errorCount: 1 };
    },
  };
}

/** The handler for a file of `format`, or the refusing one when sniffing found it is no such file. */
export function handlerOf(format: Format, refusal: NotAFile | null): FormatHandler {
  return refusal ? refusingHandler(refusal) : handlerFor(format);
}
