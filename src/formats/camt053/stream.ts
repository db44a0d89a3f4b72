// Pull-based reading for uploads, as for NACHA (src/formats/nacha/stream.ts): an async generator over any
// (async) iterable of chunks that reads the next chunk only when the consumer asks for more, so a slow
// database write backs up into the socket instead of into memory. Events of one chunk come as one array.

import { Camt053Reader } from './reader.js';
import type { Camt053Event, Camt053Options } from './types.js';

/** Chunks are cut to this size, which bounds an array of events to a few thousand entries. */
const CHUNK_LIMIT = 1024 * 1024;

/**
 * Yields arrays of entry, statement_end, error and warning events in file order; the last array ends with
 * the one `end` event, which carries the result. Entries come before their statement's balances are
 * checked: stage them, and commit only if the `end` result is ok. Breaking out of the loop stops reading.
 */
export async function* parseCamt053Stream(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: Camt053Options = {},
): AsyncGenerator<Camt053Event[], void, undefined> {
  let events: Camt053Event[] = [];
  const reader = new Camt053Reader(options, {
    entry: (entry) => events.push({ type: 'entry', entry }),
    statementEnd: (statement) => events.push({ type: 'statement_end', statement }),
    error: (error) => events.push({ type: 'error', error }),
    warning: (warning) => events.push({ type: 'warning', warning }),
  });
  reading: for await (const chunk of source) {
    for (let offset = 0; offset < chunk.length; offset += CHUNK_LIMIT) {
      reader.push(chunk.length <= CHUNK_LIMIT ? chunk : chunk.slice(offset, offset + CHUNK_LIMIT));
      if (events.length > 0) {
        const ready = events;
        events = [];
        yield ready;
      }
      if (reader.stopped) break reading;
    }
  }
  const result = reader.end();
  events.push({ type: 'end', result });
  yield events;
}

/** The whole of a file in memory (tests, small files): every event, in order. */
export function parseCamt053(text: string | Uint8Array, options: Camt053Options = {}): { entries: Camt053Event[]; result: ReturnType<Camt053Reader['end']> } {
  const entries: Camt053Event[] = [];
  const reader = new Camt053Reader(options, {
    entry: (entry) => entries.push({ type: 'entry', entry }),
    statementEnd: (statement) => entries.push({ type: 'statement_end', statement }),
  });
  reader.push(text);
  return { entries, result: reader.end() };
}
