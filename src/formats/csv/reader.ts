// Streaming CSV reader (RFC 4180) for uploads: bytes in, rows with their line numbers out.
//
// Why a parser of our own: bench/csv-parsers.ts measures it against csv-parse, papaparse, fast-csv,
// csv-parser, udsv and csv-batch (docs/csv.md has the numbers). Only csv-parse can tell the line where a
// record starts, and is then over ten times slower; none of them reports invalid UTF-8 (they decode it to
// U+FFFD silently); several mishandle CRLF files with LF inside quoted cells or cannot cap a record's size.
// This one does all of that in one pass and is the fastest of those that read csv-spectrum right.
//
// How it works. Input chunks are gathered until at least SCAN_BYTES are waiting, checked as UTF-8 (simdutf
// through `buffer.isUtf8`) and decoded once. Records and fields are found with indexOf (LF, CR, quote,
// delimiter), each search repeated only when the position has passed its last answer, so the text is read
// about once at native speed. A record that is not complete at the end of the text is kept (as text, from
// its first character) and scanned again from its start once more input has come: records are short, so
// this costs little, and waiting for at least as many new bytes as are kept makes the rescanning linear even
// for a huge record fed one byte at a time. The kept text is never longer than maxLineBytes, so memory stays
// bounded whatever the input. Cells are slices of the decoded text (V8 shares the characters), so a row
// costs one array, its cells and one small object.
//
// Rules (docs/csv.md):
//  - line breaks are LF, CRLF or a lone CR, inside quoted fields too; `rowNumber` is the 1-based line on
//    which a record starts, counting every line break of the file (blank lines and quoted ones included);
//  - a field is quoted when its first character is `"`; inside, `""` is one quote and anything else,
//    delimiters and line breaks included, is literal. Characters between a closing quote and the next
//    delimiter are kept as they are (`"ab"c` reads `abc`, like Python's csv module); a quote inside an
//    unquoted field is literal (`5" screen`);
//  - a UTF-8 byte order mark at the very start is skipped; invalid UTF-8 anywhere is a file error;
//  - blank lines, and lines of nothing but delimiters (spreadsheet exports end with those), are no records;
//  - a record longer than maxLineBytes (UTF-8 bytes, line break excluded, every line of a multi-line record
//    counted) is a file error, reported as soon as the reader has seen that much of it.
// The rows never depend on how the input was cut into chunks (test/csv/reader.test.ts checks it).

import { isUtf8 } from 'node:buffer';
import { CsvFileError } from './errors.js';

export type CsvDelimiter = ',' | ';' | '\t' | '|';
export const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|'];

/** SPEC §5: line length limit, 1 MiB unless configured. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** Rows per yielded batch: the caller stages rows in database batches of about this size. */
export const DEFAULT_BATCH_ROWS = 1000;

export interface CsvReaderOptions {
  /** Field separator; `,` unless given. */
  delimiter?: CsvDelimiter;
  /** Longest record accepted, in UTF-8 bytes; DEFAULT_MAX_LINE_BYTES unless given. */
  maxLineBytes?: number;
  /** Rows per batch yielded by readCsv (the last batch may be smaller); DEFAULT_BATCH_ROWS unless given. */
  batchRows?: number;
  /**
   * Input gathered before each scan, in bytes; 64 KiB unless given. Only tests change it (to 1, so every
   * chunk boundary is a scan boundary): the rows are the same whatever it is.
   */
  scanBytes?: number;
}

export interface CsvRow {
  /** 1-based line of the file on which the record starts. */
  rowNumber: number;
  cells: string[];
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const BOM = 0xfeff;

/** Input waiting before a scan: small enough to keep batches flowing, big enough to amortize the decode. */
const SCAN_BYTES = 64 * 1024;
/** readCsv cuts larger chunks into pieces of this size, so one huge chunk does not become one huge batch. */
const PIECE_BYTES = 256 * 1024;

/** Line breaks in a string: LF, CRLF and lone CR each count once. */
function lineBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/**
 * Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence: up to 3 trailing bytes
 * of a character whose remaining bytes have not arrived are held back. Anything malformed is left in, for
 * the validation to report.
 */
function completeUtf8Length(bytes: Buffer): number {
  const n = bytes.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last character.
  let k = n - 1;
  const stop = Math.max(0, n - 4);
  while (k >= stop && (bytes[k]! & 0xc0) === 0x80) k--;
  if (k < stop) return n;
  const lead = bytes[k]!;
  const need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
  return n - k < need ? k : n;
}

/** Offset of the first byte that is not part of well-formed UTF-8 (bytes.length if there is none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return i;
    if (i + need >= n) return i; // truncated at the end
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}

function byteLength(s: string, start: number, end: number): number {
  return Buffer.byteLength(start === 0 && end === s.length ? s : s.slice(start, end), 'utf8');
}

function tooLong(line: number, maxBytes: number): CsvFileError {
  return new CsvFileError(
    'line_too_long',
    line,
    null,
    `The record starting on line ${line} is longer than ${maxBytes} bytes (the line length limit).`,
  );
}

function checkOptions(options: CsvReaderOptions): { delimiter: number; maxBytes: number; batchRows: number; scanBytes: number } {
  const delimiter = options.delimiter ?? ',';
  if (!CSV_DELIMITERS.includes(delimiter)) throw new TypeError(`delimiter must be one of , ; \\t |`);
  const maxBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new TypeError('maxLineBytes must be a positive integer');
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new TypeError('batchRows must be a positive integer');
  const scanBytes = options.scanBytes ?? SCAN_BYTES;
  if (!Number.isSafeInteger(scanBytes) || scanBytes < 1) throw new TypeError('scanBytes must be a positive integer');
  return { delimiter: delimiter.charCodeAt(0), maxBytes, batchRows, scanBytes };
}

/**
 * The push-style core: `write` bytes as they come, `end` at the end of the input, and `take` the rows
 * parsed so far. Throws only CsvFileError (for bad options: TypeError, at construction); once it has thrown
 * one, every later `write` or `end` throws the same error.
 */
export class CsvParser {
  private readonly delimiter: number;
  private readonly maxBytes: number;
  private readonly scanBytes: number;
  /** Undecoded input, and its size. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Decoded text of a record not complete yet, from its first character. */
  private carry = '';
  /** Line on which `carry` starts (or the next record, when there is no carry). */
  private line = 1;
  /** The last text ended with CR: a LF at the start of the next one belongs to it. */
  private skipLF = false;
  private started = false;
  private ended = false;
  private failed: CsvFileError | undefined;
  private out: CsvRow[] = [];

  constructor(options: CsvReaderOptions = {}) {
    const checked = checkOptions(options);
    this.delimiter = checked.delimiter;
    this.maxBytes = checked.maxBytes;
    this.scanBytes = checked.scanBytes;
  }

  /** Rows parsed and not taken yet. */
  get size(): number {
    return this.out.length;
  }

  /** Removes and returns up to `max` parsed rows, in file order. */
  take(max = Infinity): CsvRow[] {
    if (this.out.length <= max) {
      const rows = this.out;
      this.out = [];
      return rows;
    }
    return this.out.splice(0, max);
  }

  write(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    if (this.ended) throw new Error('CsvParser: write after end');
    if (chunk.length === 0) return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
    if (this.pendingBytes >= this.scanBytes && this.pendingBytes >= this.carry.length) this.flush(false);
  }

  end(): void {
    if (this.failed) throw this.failed;
    if (this.ended) return;
    this.ended = true;
    this.flush(true);
  }

  private flush(final: boolean): void {
    try {
      this.decodeAndScan(final);
    } catch (error) {
      // Only CsvFileError can come from here; keep it, the state behind it is no longer consistent.
      this.failed = error as CsvFileError;
      this.pending = [];
      this.carry = '';
      throw error;
    }
  }

  private decodeAndScan(final: boolean): void {
    let bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!final) {
      const complete = completeUtf8Length(bytes);
      if (complete < bytes.length) {
        // Copied: the few held-back bytes must not pin a whole input chunk.
        const rest = Buffer.from(bytes.subarray(complete));
        this.pending.push(rest);
        this.pendingBytes = rest.length;
        bytes = bytes.subarray(0, complete);
      }
    }
    if (!isUtf8(bytes)) {
      const bad = firstInvalidUtf8(bytes);
      // Everything before the bad byte is read as usual; the error names the line the bad byte is on.
      this.consume(bytes.toString('utf8', 0, bad), false);
      const line = this.line + lineBreaks(this.carry);
      throw new CsvFileError(
        'invalid_utf8',
        line,
        null,
        `Line ${line} holds bytes that are not UTF-8: the file must be UTF-8 text (save it as "CSV UTF-8").`,
      );
    }
    this.consume(bytes.length === 0 ? '' : bytes.toString('utf8'), final);
  }

  private consume(text: string, final: boolean): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    const s = this.carry.length === 0 ? text : this.carry + text;
    this.carry = '';
    this.scan(s, final);
  }

  /** Parses `s` (starting on line this.line at a record boundary); keeps an unfinished record as carry. */
  private scan(s: string, final: boolean): void {
    const n = s.length;
    const delimiter = this.delimiter;
    const delimiterString = String.fromCharCode(delimiter);
    const maxBytes = this.maxBytes;
    // Any record of at most this many UTF-16 units is within the byte limit (a unit is at most 3 bytes).
    const surelyShort = maxBytes / 3;
    const out = this.out;
    let i = 0;
    let line = this.line;
    let carryFrom = -1;
    let carryLine = 0;

    if (this.skipLF && n > 0) {
      this.skipLF = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }

    // The next LF, CR, quote and delimiter at or after the current position (n when there is none). Each
    // indexOf runs again only once the position has passed its last answer, so together they read the
    // text about once, at native speed. Line breaks inside quoted fields are counted by stepping nextLF and
    // nextCR through them.
    let nextLF = -1;
    let nextCR = -1;
    let nextQuote = -1;
    let nextDelimiter = -1;

    records: while (i < n) {
      const recStart = i;
      const recLine = line;
      if (nextLF < i) {
        nextLF = s.indexOf('\n', i);
        if (nextLF < 0) nextLF = n;
      }
      if (nextCR < i) {
        nextCR = s.indexOf('\r', i);
        if (nextCR < 0) nextCR = n;
      }
      if (nextQuote < i) {
        nextQuote = s.indexOf('"', i);
        if (nextQuote < 0) nextQuote = n;
      }
      let lineEnd = nextLF < nextCR ? nextLF : nextCR;

      if (lineEnd === i) {
        // A blank line.
        line++;
        i++;
        if (lineEnd === nextCR) {
          if (i < n) {
            if (s.charCodeAt(i) === LF) i++;
          } else if (!final) this.skipLF = true;
        }
        continue;
      }

      let cells: string[];
      let recEnd: number;
      if (nextQuote > lineEnd || nextQuote === n) {
        // Fast path: no quote before the line ends, so the record is its line, cut at the delimiters.
        // (indexOf per field measures faster than slice + split, and allocates less.)
        if (lineEnd === n && !final) {
          carryFrom = recStart;
          carryLine = recLine;
          break;
        }
        recEnd = lineEnd;
        cells = [];
        for (;;) {
          if (nextDelimiter < i) {
            nextDelimiter = s.indexOf(delimiterString, i);
            if (nextDelimiter < 0) nextDelimiter = n;
          }
          if (nextDelimiter >= lineEnd) {
            cells.push(s.slice(i, lineEnd));
            break;
          }
          cells.push(s.slice(i, nextDelimiter));
          i = nextDelimiter + 1;
        }
        i = lineEnd;
      } else {
        // A record with quotes, field by field.
        cells = [];
        for (;;) {
          // At the start of a field, i <= n.
          if (i < n && s.charCodeAt(i) === QUOTE) {
            const fieldLine = line;
            let j = i + 1;
            let segment = j;
            let value = '';
            for (;;) {
              if (nextQuote < j) {
                nextQuote = s.indexOf('"', j);
                if (nextQuote < 0) nextQuote = n;
              }
              const q = nextQuote;
              // Line breaks inside the quotes.
              while (nextLF < q) {
                line++;
                nextLF = s.indexOf('\n', nextLF + 1);
                if (nextLF < 0) nextLF = n;
              }
              while (nextCR < q) {
                if (s.charCodeAt(nextCR + 1) !== LF) line++;
                nextCR = s.indexOf('\r', nextCR + 1);
                if (nextCR < 0) nextCR = n;
              }
              if (q + 1 >= n) {
                if (!final || q === n) {
                  if (final) {
                    // Had the file been longer, the record would have hit the limit first: say that.
                    if (n - recStart > surelyShort && byteLength(s, recStart, n) > maxBytes) throw tooLong(recLine, maxBytes);
                    throw new CsvFileError(
                      'unclosed_quote',
                      fieldLine,
                      null,
                      `The quoted field that starts on line ${fieldLine} is never closed (a " is missing).`,
                    );
                  }
                  // No closing quote yet, or a quote that may be the first half of "": more input decides.
                  carryFrom = recStart;
                  carryLine = recLine;
                  break records;
                }
              } else if (s.charCodeAt(q + 1) === QUOTE) {
                value += s.slice(segment, q + 1);
                j = q + 2;
                segment = j;
                continue;
              }
              value = value.length === 0 ? s.slice(segment, q) : value + s.slice(segment, q);
              j = q + 1;
              break;
            }
            i = j;
            if (i < n) {
              const c = s.charCodeAt(i);
              if (c !== delimiter && c !== LF && c !== CR) {
                // Text after the closing quote, up to the delimiter or line end, is kept as written.
                while (++i < n) {
                  const d = s.charCodeAt(i);
                  if (d === delimiter || d === LF || d === CR) break;
                }
                value += s.slice(j, i);
              }
            }
            cells.push(value);
          } else {
            if (nextDelimiter < i) {
              nextDelimiter = s.indexOf(delimiterString, i);
              if (nextDelimiter < 0) nextDelimiter = n;
            }
            if (nextLF < i) {
              nextLF = s.indexOf('\n', i);
              if (nextLF < 0) nextLF = n;
            }
            if (nextCR < i) {
              nextCR = s.indexOf('\r', i);
              if (nextCR < 0) nextCR = n;
            }
            lineEnd = nextLF < nextCR ? nextLF : nextCR;
            const end = nextDelimiter < lineEnd ? nextDelimiter : lineEnd;
            cells.push(s.slice(i, end));
            i = end;
          }

          // Now at a delimiter, a line end, or the end of the text.
          if (i >= n) {
            if (!final) {
              carryFrom = recStart;
              carryLine = recLine;
              break records;
            }
            recEnd = n;
            break;
          }
          if (s.charCodeAt(i) === delimiter) {
            i++;
            continue;
          }
          recEnd = i;
          break;
        }
      }

      // The record ends at recEnd, on a line break (or at the end of the input).
      if (i < n) {
        line++;
        i++;
        if (s.charCodeAt(recEnd) === CR) {
          if (i < n) {
            if (s.charCodeAt(i) === LF) i++;
          } else if (!final) this.skipLF = true;
        }
      }
      const length = recEnd - recStart;
      if (length > surelyShort && byteLength(s, recStart, recEnd) > maxBytes) throw tooLong(recLine, maxBytes);
      // Nothing but delimiters: each cell is empty and unquoted.
      if (length === cells.length - 1) continue;
      out.push({ rowNumber: recLine, cells });
    }

    if (carryFrom >= 0) {
      this.carry = carryFrom === 0 ? s : s.slice(carryFrom);
      this.line = carryLine;
      if (this.carry.length > surelyShort && byteLength(this.carry, 0, this.carry.length) > maxBytes) {
        throw tooLong(carryLine, maxBytes);
      }
    } else {
      this.line = line;
    }
  }
}

export type CsvSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Reads a CSV byte stream (an HTTP request body, a file stream) and yields its rows in batches of
 * `batchRows` (the last one may be smaller; a file without rows yields nothing). Reads the next chunk only
 * when the consumer asks for the next batch, so a slow consumer backs up into the source rather than into
 * memory. Throws CsvFileError for a bad file; errors of the source itself pass through unchanged. Breaking
 * out of the loop stops reading the source. String chunks are taken as UTF-8 text.
 */
export async function* readCsv(source: CsvSource, options: CsvReaderOptions = {}): AsyncGenerator<CsvRow[], void, undefined> {
  const parser = new CsvParser(options);
  const batchRows = checkOptions(options).batchRows;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let offset = 0; offset < bytes.length; offset += PIECE_BYTES) {
      parser.write(bytes.length <= PIECE_BYTES ? bytes : bytes.subarray(offset, offset + PIECE_BYTES));
      while (parser.size >= batchRows) yield parser.take(batchRows);
    }
  }
  parser.end();
  while (parser.size > 0) yield parser.take(batchRows);
}

/** A reader with fixed options: `createCsvReader({ delimiter: ';' }).read(request.raw)`. */
export function createCsvReader(options: CsvReaderOptions = {}): { read(source: CsvSource): AsyncGenerator<CsvRow[], void, undefined> } {
  checkOptions(options);
  return { read: (source) => readCsv(source, options) };
}
