import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { FileRejected } from './file-rejected.js';

// Gzip uploads (docs/uploads.md, "Compressed files"): a gzip body, told by its magic bytes or by
// `Content-Encoding: gzip`, is inflated as it streams, so the parsers, the size limit and the format
// detection all see the file itself. Nothing holds more than zlib's window and a chunk or two.

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Decompressed bytes allowed before the ratio is judged: small files compress by any ratio they like. */
export const RATIO_FREE_BYTES = 1024 * 1024;

export const isGzip = (head: Buffer) => head.length >= 2 && head.subarray(0, 2).equals(GZIP_MAGIC);

export interface Inflation {
  /** Bytes read from the client (compressed). */
  compressedBytes: number;
  /** Bytes handed on (decompressed). */
  bytes: number;
}

/**
 * Inflates a gzip stream (several members one after the other too, as `cat a.gz b.gz` makes). Bad or
 * truncated gzip data, and output growing past `maxRatio` times the input once RATIO_FREE_BYTES are out,
 * throw FileRejected; an error of the source itself (the client went away) comes through as it is.
 */
export async function* gunzip(
  source: AsyncIterable<Buffer>,
  maxRatio: number,
  counts: Inflation,
  /** The layer whose input came from the client, when this one unpacks a gzip inside a gzip: the ratio is judged against the wire. */
  outer: Inflation = counts,
): AsyncGenerator<Buffer> {
  async function* counted() {
    for await (const chunk of source) {
      counts.compressedBytes += chunk.length;
      yield chunk;
    }
  }
  const inflater = createGunzip();
  let sourceFailed = false;
  const input = Readable.from(counted()).on('error', () => (sourceFailed = true));
  // Errors surface through the iteration below; the pipeline only wires the two streams and their teardown.
  const piped = pipeline(input, inflater).catch(() => {});
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      counts.bytes += chunk.length;
      if (counts.bytes > RATIO_FREE_BYTES && counts.bytes > maxRatio * outer.compressedBytes) {
        throw new FileRejected(
          'compression_ratio_exceeded',
          `The gzip data inflates more than ${maxRatio} times (${outer.compressedBytes} bytes became ${counts.bytes} and growing): refused as a decompression bomb.`,
        );
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof FileRejected || sourceFailed || !isZlibError(error)) throw error;
    throw new FileRejected('invalid_gzip', gzipMessage(error));
  } finally {
    inflater.destroy();
    await piped;
  }
}

function isZlibError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function gzipMessage(error: Error & { code: string }): string {
  if (error.code === 'Z_BUF_ERROR') return 'The gzip data ends early: the file is truncated (was it copied whole?).';
  return `The body is not valid gzip data (${error.message}).`;
}
