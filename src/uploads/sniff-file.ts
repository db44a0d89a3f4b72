// What a file that is neither CSV nor NACHA text looks like, from its first bytes (after any gzip layer
// is removed), so the error names it: "this looks like an Excel workbook" helps where "not UTF-8, save it
// as CSV UTF-8" only puzzles. Signatures are the formats' own magic numbers.

/** Bytes of the (decompressed) start of a file that the sniffing reads at most: enough for a ZIP's first entry names. */
export const SNIFF_BYTES = 64 * 1024;
/** Bytes every signature below fits in. */
export const MAGIC_BYTES = 8;

interface Signature {
  magic: Buffer;
  what: string;
  advice?: string;
}

const bytes = (...values: number[]) => Buffer.from(values);
const text = (s: string) => Buffer.from(s, 'latin1');

const UNPACK = 'unpack it and upload the statement or payment file itself (CSV, NACHA, BAI2 or camt.053), or gzip that file';

const SIGNATURES: Signature[] = [
  { magic: bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), what: 'a legacy Microsoft Office file (an Excel 97-2003 .xls workbook, or a Word or PowerPoint file)', advice: 'export it as CSV (in Excel: Save As, "CSV UTF-8") and upload that' },
  { magic: text('%PDF-'), what: 'a PDF document', advice: 'download the statement as CSV or as a NACHA (ACH) file from your bank and upload that' },
  { magic: text('BZh'), what: 'a bzip2-compressed file', advice: 'only gzip is unpacked on upload: decompress it, or recompress it with gzip' },
  { magic: bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00), what: 'an xz-compressed file', advice: 'only gzip is unpacked on upload: decompress it, or recompress it with gzip' },
  { magic: bytes(0x28, 0xb5, 0x2f, 0xfd), what: 'a zstd-compressed file', advice: 'only gzip is unpacked on upload: decompress it, or recompress it with gzip' },
  { magic: bytes(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c), what: 'a 7-Zip archive', advice: UNPACK },
  { magic: text('Rar!\x1a\x07'), what: 'a RAR archive', advice: UNPACK },
  { magic: bytes(0x89, 0x50, 0x4e, 0x47), what: 'a PNG image' },
  { magic: bytes(0xff, 0xd8, 0xff), what: 'a JPEG image' },
  { magic: text('GIF8'), what: 'a GIF image' },
];

const ZIP_MAGICS = [bytes(0x50, 0x4b, 0x03, 0x04), bytes(0x50, 0x4b, 0x05, 0x06), bytes(0x50, 0x4b, 0x07, 0x08)];

export const isZip = (head: Buffer) => ZIP_MAGICS.some((m) => head.subarray(0, m.length).equals(m));

/** A zip names its entries in plain text in each local header: the first ones tell an Office file apart. */
function zipKind(head: Buffer): Signature {
  const names = head.toString('latin1');
  if (names.includes('xl/')) return { magic: ZIP_MAGICS[0]!, what: 'an Excel workbook (.xlsx)', advice: 'export it as CSV (in Excel: Save As, "CSV UTF-8") and upload that, or gzip that CSV' };
  if (names.includes('application/vnd.oasis.opendocument.spreadsheet')) {
    return { magic: ZIP_MAGICS[0]!, what: 'an OpenDocument spreadsheet (.ods)', advice: 'export it as CSV (UTF-8) and upload that, or gzip that CSV' };
  }
  if (names.includes('word/')) return { magic: ZIP_MAGICS[0]!, what: 'a Word document (.docx)' };
  if (names.includes('ppt/')) return { magic: ZIP_MAGICS[0]!, what: 'a PowerPoint presentation (.pptx)' };
  return { magic: ZIP_MAGICS[0]!, what: 'a ZIP archive', advice: 'unzip it and upload the statement or payment file itself (CSV, NACHA, BAI2 or camt.053), or gzip that file' };
}

export interface NotAFile {
  code: 'unsupported_file_type';
  message: string;
}

/**
 * Why these bytes cannot be a CSV, NACHA, BAI2 or camt.053 file, or undefined when they may be one (the parsers decide).
 * UTF-16 text, with its byte order mark, is named as such: it is what Excel's "Unicode Text" writes.
 */
export function notAFile(head: Buffer): NotAFile | undefined {
  const start = head.subarray(0, SNIFF_BYTES);
  let found: Signature | undefined;
  if (isZip(start)) found = zipKind(start);
  else found = SIGNATURES.find((s) => start.subarray(0, s.magic.length).equals(s.magic));
  if (!found && start.length >= 2 && ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff))) {
    found = { magic: start.subarray(0, 2), what: 'UTF-16 text (as Excel\'s "Unicode Text" saves it)', advice: 'save it as "CSV UTF-8" and upload that' };
  }
  // NUL never occurs in CSV, NACHA, BAI2 or camt.053 (UTF-8) text: its presence in the first chunk is the mark of a binary file.
  if (!found && start.includes(0)) found = { magic: bytes(0), what: 'a binary file, not text' };
  if (!found) return undefined;
  const advice = found.advice ?? 'upload the statement or payment file itself (CSV, NACHA, BAI2 or camt.053), or gzip it';
  return { code: 'unsupported_file_type', message: `This looks like ${found.what}, not a CSV, NACHA, BAI2 or camt.053 file: ${advice}.` };
}
