import { AppError } from '../errors/app-error.js';
import { gunzip, isGzip, type Inflation } from './decompress.js';
import { peek } from './detect-format.js';
import { FileRejected } from './file-rejected.js';
import { isZip, MAGIC_BYTES, SNIFF_BYTES } from './sniff-file.js';

export interface OpenedBody {
  /** The file itself: decompressed when it came gzipped. */
  body: AsyncIterable<Buffer>;
  /** Its first bytes (up to SNIFF_BYTES), for format detection and sniffing. */
  head: Buffer;
  /** Set when the body was gzip: bytes in and out, for source_details. */
  inflation: Inflation | undefined;
}

/** `Content-Encoding` of an upload: gzip or nothing. Anything else is refused before a request exists. */
export function uploadEncoding(header: string | string[] | undefined, multipart: boolean): 'gzip' | undefined {
  const codings = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip') && !multipart) return 'gzip';
  throw new AppError(
    'unsupported_content_encoding',
    multipart
      ? 'A multipart upload cannot be sent with Content-Encoding: gzip the file part itself (it is detected by its content), or send the file as a raw body.'
      : `Uploads take Content-Encoding gzip or none (got "${codings.join(', ').slice(0, 40)}").`,
  );
}

/** A body that fails with `error` when read: a whole-file problem found while peeking ends the upload like any other. */
async function* failing(error: unknown): AsyncGenerator<Buffer> {
  throw error;
}

/**
 * The upload's body as the parsers need it: gzip layers removed (the one `Content-Encoding` names, and a
 * gzip file inside it, told by its magic bytes), and its start read for detection.
 */
export async function openUploadBody(raw: AsyncIterable<Buffer>, encoding: 'gzip' | undefined, maxRatio: number): Promise<OpenedBody> {
  let outer: Inflation | undefined;
  try {
    let body = raw;
    for (let layer = 0; layer < 2; layer++) {
      const peeked = await peek(body, 2);
      body = peeked.body;
      if (!(layer === 0 && encoding === 'gzip') && !isGzip(peeked.head)) break;
      const counts: Inflation = { compressedBytes: 0, bytes: 0 };
      outer ??= counts;
      body = gunzip(body, maxRatio, counts, outer);
    }
    // The request exists from the first bytes (SPEC §5): only what magic numbers need is awaited, except
    // for a ZIP, which is refused anyway and whose entry names tell a workbook from an archive.
    let start = await peek(body, MAGIC_BYTES);
    if (isZip(start.head)) start = await peek(start.body, SNIFF_BYTES);
    return { body: start.body, head: start.head, inflation: outer };
  } catch (error) {
    if (!(error instanceof FileRejected)) throw error;
    return { body: failing(error), head: Buffer.alloc(0), inflation: outer };
  }
}
