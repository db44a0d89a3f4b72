// Output meant for a person at a terminal. Plain stdout writes, not the logger: log pipelines must never
// receive a key, and a person must see these lines whatever LOG_LEVEL says.

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The line every command prints before it acts: the server (`server http://...`, never the key) or the
 * database (`SQLite /path/sluice.db`, `PostgreSQL host:port/db`, never the password). On stderr, so that
 * stdout stays the command's answer for scripts, and a command aimed at the wrong place is seen at once.
 */
export function actingOn(target: string): void {
  process.stderr.write(`Acting on ${target}\n`);
}

/** A framed block that stands out among log lines, for things shown once (new API keys). */
export function box(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '─'.repeat(width + 2);
  return [`┌${rule}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${rule}┘`].join('\n');
}

/** The one way a freshly created key is shown: it is the only time anyone will see it. */
export function printNewKey(headline: string, key: string): void {
  out(
    box([
      headline,
      '',
      `    ${key}`,
      '',
      'Store it now: Sluice keeps only a hash and cannot show it again.',
      'Send it in the X-API-KEY header.',
    ]),
  );
}

/** Left-aligned columns; the header names the columns in capitals. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n');
}

export function isoOrDash(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}
