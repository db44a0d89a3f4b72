/**
 * A value in COPY's text format: backslash, newline, carriage return and tab are the characters it gives a
 * meaning, and `\N` is NULL. Everything else (quotes, commas, any Unicode) goes through as it is, which is
 * what makes COPY cheaper than array parameters for text full of quotes.
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')) : value;
}
