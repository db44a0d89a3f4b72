import type { FileError, IngestResult } from './format.js';

/**
 * The `{ok: false}` result of a file whose reader found errors, the same for every format: the message names
 * the first error where it is (line and field), every error is kept (the reader bounds them), and a reader
 * that stopped before finding any (an empty or unreadable file) reports `fallback`.
 */
export function rejectedFile(format: string, errors: FileError[], errorCount: number, fallback: FileError & { summary: string }): Extract<IngestResult, { ok: false }> {
  const first = errors[0];
  const where = first ? [first.line === null ? null : `line ${first.line}`, first.field].filter((part) => part !== null).join(' ') : '';
  return {
    ok: false,
    message: first ? `The ${format} file was rejected: ${where ? `${where}: ` : ''}${first.message}` : `The ${format} file was rejected: ${fallback.summary}`,
    errors: errors.length > 0 ? errors : [{ line: fallback.line, field: fallback.field, code: fallback.code, message: fallback.message }],
    errorCount: Math.max(1, errorCount),
  };
}
