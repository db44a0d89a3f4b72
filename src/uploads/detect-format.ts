import type { Format } from './format-name.js';

/**
 * Reads the first chunks of a body, at least `minBytes` of it unless it is shorter, so its start can be
 * sniffed without losing a byte: the body returned yields them again, then the rest.
 */
export async function peek(body: AsyncIterable<Buffer>, minBytes = 1): Promise<{ head: Buffer; body: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < minBytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  async function* rest() {
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, body: rest() };
}

/** A BAI2 file starts with its 01 file header record (after an optional byte order mark). */
const BAI2_START = /^(\xef\xbb\xbf)?01,/;

const BY_CONTENT_TYPE: Record<string, Format> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.nacha': 'nacha',
  'application/x-nacha': 'nacha',
  'application/x-bai2': 'bai2',
  'application/xml': 'camt053',
  'text/xml': 'camt053',
};

/**
 * XML: `<` first, after an optional UTF-8 byte order mark and white space. The only XML Sluice reads is
 * camt.053, and its reader names any other root or namespace (wrong_namespace), so the start decides.
 */
function isXml(head: Buffer): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x3c;
}

/**
 * The format, in order of authority: the `format` option, an unambiguous content type, a file extension,
 * then the content itself. A NACHA file starts with a File Header record: "1" then priority code "01";
 * a camt.053 file is XML.
 */
export function detectFormat(explicit: Format | undefined, contentType: string | undefined, filename: string | null, head: Buffer): Format {
  if (explicit) return explicit;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && BY_CONTENT_TYPE[type]) return BY_CONTENT_TYPE[type];
  // A gzip file is named for what it holds: statement.csv.gz is a CSV.
  const extension = filename?.toLowerCase().replace(/\.(gz|gzip)$/, '').split('.').pop();
  if (extension === 'ach' || extension === 'nacha') return 'nacha';
  if (extension === 'csv') return 'csv';
  if (extension === 'bai' || extension === 'bai2') return 'bai2';
  if (extension === 'xml') return 'camt053';
  const start = head.subarray(0, 3).toString('latin1');
  if (BAI2_START.test(head.subarray(0, 8).toString('latin1'))) return 'bai2';
  if (isXml(head)) return 'camt053';
  return start === '101' ? 'nacha' : 'csv';
}
