import type { Format } from './format-name.js';

/** Splits off the first chunk of a body so the format can be sniffed without losing a byte. */
export async function peek(body: AsyncIterable<Buffer>): Promise<{ head: Buffer; body: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* rest() {
    if (!first.done) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, body: rest() };
}

const BY_CONTENT_TYPE: Record<string, Format> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.nacha': 'nacha',
  'application/x-nacha': 'nacha',
};

/**
 * The format, in order of authority: the `format` option, an unambiguous content type, a file extension,
 * then the content itself. A NACHA file starts with a File Header record: "1" then priority code "01".
 */
export function detectFormat(explicit: Format | undefined, contentType: string | undefined, filename: string | null, head: Buffer): Format {
  if (explicit) return explicit;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && BY_CONTENT_TYPE[type]) return BY_CONTENT_TYPE[type];
  const extension = filename?.toLowerCase().split('.').pop();
  if (extension === 'ach' || extension === 'nacha') return 'nacha';
  if (extension === 'csv') return 'csv';
  const start = head.subarray(0, 3).toString('latin1');
  return start === '101' ? 'nacha' : 'csv';
}
