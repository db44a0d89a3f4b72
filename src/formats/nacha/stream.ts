// Pull-based reading for uploads: an async generator over any (async) iterable of chunks (a Node
// Readable, a web stream, a multipart part). It reads the next chunk only when the consumer asks for
// more, so a slow database write backs up into the socket instead of into memory.
//
// It yields the events of each chunk as one array rather than one by one: an await per entry would cost
// more than parsing it, and a caller staging entries in a database wants them in batches anyway.
// Chunks are cut to at most CHUNK_LIMIT characters, which bounds an array to about 11,000 events.

import type { NachaOptions } from './options.js';
import { NachaParser } from './parser.js';
import type { NachaEvent } from './types.js';

const CHUNK_LIMIT = 1024 * 1024;

/**
 * Yields arrays of file_header, batch_header, entry, batch_end, file_control, error and warning events in input
 * order; the last array ends with the one `end` event, which carries the result. Entries come before
 * their batch and file controls are checked: stage them, and commit only if the `end` result is ok.
 * Breaking out of the loop stops reading the source.
 */
export async function* parseNachaStream(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: NachaOptions = {},
): AsyncGenerator<NachaEvent[], void, undefined> {
  let events: NachaEvent[] = [];
  const parser = new NachaParser(options, {
    fileHeader: (header) => events.push({ type: 'file_header', header }),
    batchHeader: (header) => events.push({ type: 'batch_header', header }),
    entry: (entry) => events.push({ type: 'entry', entry }),
    batchEnd: (batch) => events.push({ type: 'batch_end', batch }),
    fileControl: (control) => events.push({ type: 'file_control', control }),
    error: (error) => events.push({ type: 'error', error }),
    warning: (warning) => events.push({ type: 'warning', warning }),
  });

  reading: for await (const chunk of source) {
    for (let offset = 0; offset < chunk.length; offset += CHUNK_LIMIT) {
      parser.push(chunk.length <= CHUNK_LIMIT ? chunk : chunk.slice(offset, offset + CHUNK_LIMIT));
      if (events.length > 0) {
        const ready = events;
        events = [];
        yield ready;
      }
      if (parser.stopped) break reading;
    }
  }
  const result = parser.end();
  events.push({ type: 'end', result });
  yield events;
}
