// Pull-based reading for uploads, as for NACHA: an async generator over any (async) iterable of chunks.
// It reads the next chunk only when the consumer asks for more, so a slow database write backs up into
// the socket instead of into memory. Events of one chunk come as one array (an await per detail would
// cost more than reading it); chunks are cut to at most CHUNK_LIMIT characters to bound an array.

import type { Bai2Options } from './options.js';
import { Bai2Parser } from './parser.js';
import type { Bai2Event } from './types.js';

const CHUNK_LIMIT = 1024 * 1024;

/**
 * Yields arrays of file_header, group_header, account, detail and error events in input order; the last
 * array ends with the one `end` event, which carries the result. Details come before the trailers that
 * check them: stage them, and commit only if the `end` result is ok. Bytes are read as UTF-8 (BAI2 is
 * ASCII; a UTF-8 character split across chunks is kept whole).
 */
export async function* parseBai2Stream(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: Bai2Options = {},
): AsyncGenerator<Bai2Event[], void, undefined> {
  let events: Bai2Event[] = [];
  const parser = new Bai2Parser(options, {
    fileHeader: (header) => events.push({ type: 'file_header', header }),
    groupHeader: (group) => events.push({ type: 'group_header', group }),
    account: (account) => events.push({ type: 'account', account }),
    detail: (detail, file, group, account) => events.push({ type: 'detail', detail, file, group, account }),
    error: (error) => events.push({ type: 'error', error }),
  });
  const decoder = new TextDecoder('utf-8');
  reading: for await (const chunk of source) {
    for (let offset = 0; offset < chunk.length; offset += CHUNK_LIMIT) {
      const piece = chunk.length <= CHUNK_LIMIT ? chunk : chunk.slice(offset, offset + CHUNK_LIMIT);
      parser.push(typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true }));
      if (events.length > 0) {
        const ready = events;
        events = [];
        yield ready;
      }
      if (parser.stopped) break reading;
    }
  }
  const tail = decoder.decode();
  if (tail.length > 0) parser.push(tail);
  const result = parser.end();
  events.push({ type: 'end', result });
  yield events;
}

/** Reads a whole file held in memory (tests, small files): every event and the result. */
export function parseBai2(input: string | Uint8Array, options: Bai2Options = {}): { events: Bai2Event[]; result: ReturnType<Bai2Parser['end']> } {
  const events: Bai2Event[] = [];
  const parser = new Bai2Parser(options, {
    fileHeader: (header) => events.push({ type: 'file_header', header }),
    groupHeader: (group) => events.push({ type: 'group_header', group }),
    account: (account) => events.push({ type: 'account', account }),
    detail: (detail, file, group, account) => events.push({ type: 'detail', detail, file, group, account }),
    error: (error) => events.push({ type: 'error', error }),
  });
  parser.push(typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input));
  const result = parser.end();
  events.push({ type: 'end', result });
  return { events, result };
}
