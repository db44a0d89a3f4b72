// Cuts a stream of text into BAI2 records. A physical line may hold several records (each ended by "/"),
// and one record may run over several physical lines (a fixed-length file wraps a long text field): the
// record is then continued by every following line that does not start with a record code.
//
// Where a record ends: at the first "/" for records without text. A transaction detail (16) or a
// continuation (88) carries free text that may itself hold "/", so for them a "/" ends the record only
// when nothing but blanks follows it on the line, or the next record's code does (`16,...PPD/ 16,...`).
//
// Only one partial line and one open record are kept between pushes, each at most maxLineLength
// characters: a longer line is reported once and skipped to its end, so memory stays bounded for any
// input. The result never depends on how the input was split into chunks.

export interface RawRecord {
  /** Two-digit record code: 01, 02, 03, 16, 88, 49, 98 or 99. */
  code: string;
  /** The record after its code and comma, up to (not including) its "/" terminator. */
  body: string;
  /** 1-based physical line where the record starts. */
  line: number;
  /** Whether it ended with "/"; false when it ended at a line break before another record, or at the end. */
  terminated: boolean;
}

export interface SplitterEvents {
  record(record: RawRecord): void;
  /** A line (or an open record) grew past maxLineLength, or a record starts with no known code. */
  problem(line: number, code: 'line_too_long' | 'unknown_record_type' | 'invalid_character' | 'record_length', message: string): void;
}

const CODES = new Set(['01', '02', '03', '16', '88', '49', '98', '99']);
const BAD_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const isBlank = (c: number) => c === 32 || c === 9;

/** A known record code and its comma at `i`. */
function codeAt(text: string, i: number): boolean {
  return text.charCodeAt(i + 2) === 44 && CODES.has(text.slice(i, i + 2));
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Index of the "/" that ends a record of `code` in `text` from `from`, or -1. */
function terminator(text: string, from: number, code: string): number {
  let slash = text.indexOf('/', from);
  if (code !== '16' && code !== '88') return slash;
  while (slash >= 0) {
    const next = skipBlanks(text, slash + 1);
    if (next >= text.length || codeAt(text, next)) return slash;
    slash = text.indexOf('/', slash + 1);
  }
  return -1;
}

export class RecordSplitter {
  private carry = '';
  private lineNo = 0;
  private skipping = false;
  private open: { code: string; body: string; line: number } | null = null;
  private started = false;
  /** Skipping the lines of a record that ran over maxLineLength. */
  private dropping = false;
  /** Set by the reader once the file header declares it: longer lines are reported. */
  recordLength = 0;

  constructor(
    private readonly maxLineLength: number,
    private readonly events: SplitterEvents,
  ) {}

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    // Line breaks are looked for in the new chunk only (the carry has none), so reading stays linear
    // however small the chunks.
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf('\n', start);
      if (lf < 0) break;
      if (this.skipping) {
        this.skipping = false;
        this.carry = '';
      } else {
        let line = start === 0 && this.carry.length > 0 ? this.carry + chunk.slice(0, lf) : chunk.slice(start, lf);
        this.carry = '';
        if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        this.lineNo++;
        this.physicalLine(line);
      }
      start = lf + 1;
    }
    if (this.skipping || start >= chunk.length) return;
    const rest = start === 0 ? chunk : chunk.slice(start);
    if (this.carry.length + rest.length > this.maxLineLength) {
      this.lineNo++;
      this.events.problem(this.lineNo, 'line_too_long', `line ${this.lineNo} is longer than ${this.maxLineLength} characters; it was skipped`);
      this.skipping = true;
      this.carry = '';
      if (this.open) this.dropping = true;
      this.open = null;
      return;
    }
    this.carry = this.carry.length > 0 ? this.carry + rest : rest;
  }

  end(): void {
    if (!this.skipping && this.carry.length > 0) {
      const last = this.carry.charCodeAt(this.carry.length - 1) === 13 ? this.carry.slice(0, -1) : this.carry;
      this.carry = '';
      this.lineNo++;
      this.physicalLine(last);
    }
    this.closeOpen();
  }

  private closeOpen(): void {
    if (!this.open) return;
    const { code, body, line } = this.open;
    this.open = null;
    this.events.record({ code, body, line, terminated: false });
  }

  private physicalLine(text: string): void {
    const lineNo = this.lineNo;
    if (text.length > this.maxLineLength) {
      this.events.problem(lineNo, 'line_too_long', `line ${lineNo} is longer than ${this.maxLineLength} characters; it was skipped`);
      if (this.open) this.dropping = true;
      this.open = null;
      return;
    }
    if (BAD_CHARACTER.test(text)) {
      this.events.problem(lineNo, 'invalid_character', `line ${lineNo} holds a control character; it was skipped`);
      return;
    }
    let p = 0;
    if (this.dropping) {
      // The rest of a record dropped for its length: its lines go with it, up to the next record.
      const first = skipBlanks(text, 0);
      if (first >= text.length || !codeAt(text, first)) return;
      this.dropping = false;
    }
    if (this.open) {
      const first = skipBlanks(text, 0);
      if (first < text.length && codeAt(text, first)) {
        this.closeOpen();
      } else {
        const open = this.open;
        const slash = terminator(text, 0, open.code);
        if (slash < 0) {
          open.body += text;
          if (open.body.length > this.maxLineLength) {
            this.events.problem(open.line, 'line_too_long', `the record starting on line ${open.line} runs over ${this.maxLineLength} characters without a "/"; it was skipped`);
            this.open = null;
            this.dropping = true;
          }
          this.checkLength(text, lineNo);
          return;
        }
        this.open = null;
        this.events.record({ code: open.code, body: open.body + text.slice(0, slash), line: open.line, terminated: true });
        p = slash + 1;
      }
    }
    for (;;) {
      p = skipBlanks(text, p);
      if (p >= text.length) break;
      if (!codeAt(text, p)) {
        const shown = JSON.stringify(text.slice(p, p + 2));
        this.events.problem(lineNo, 'unknown_record_type', `line ${lineNo}: a record starts with ${shown}, not one of the record codes 01, 02, 03, 16, 88, 49, 98, 99 and a comma; the rest of the line was skipped`);
        break;
      }
      const code = text.slice(p, p + 2);
      const slash = terminator(text, p + 3, code);
      if (slash < 0) {
        this.open = { code, body: text.slice(p + 3), line: lineNo };
        break;
      }
      this.events.record({ code, body: text.slice(p + 3, slash), line: lineNo, terminated: true });
      p = slash + 1;
    }
    this.checkLength(text, lineNo);
  }

  private checkLength(text: string, lineNo: number): void {
    if (this.recordLength > 0 && text.length > this.recordLength) {
      this.events.problem(lineNo, 'record_length', `line ${lineNo} is ${text.length} characters long; the file header declares a physical record length of ${this.recordLength}`);
    }
  }
}

