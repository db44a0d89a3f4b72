// Cuts a stream of text into records. Two framings:
//  - lines: records end at LF; a CR before the LF is dropped (CRLF files);
//  - fixed: no line breaks at all, records are 94 characters back to back. Chosen when the first record
//    is a file header and column 95 holds the next record's type (5 or 9) instead of a line break.
//    Stray CR/LF between records are skipped, so a fixed file that ends with a newline still reads.
// Only a partial record is kept between pushes, never more than maxLineLength + 1 characters: a line
// that grows past the limit is reported once and skipped to its end, so memory stays bounded for any
// input. The result never depends on how the input was split into chunks.

export type LineHandler = (line: string, lineNo: number) => void;
export type TooLongHandler = (lineNo: number) => void;

const LF = 10;
const CR = 13;
const RECORD = 94;

const enum Mode {
  Unknown,
  Lines,
  Fixed,
}

export class LineSplitter {
  private carry = '';
  private lineNo = 0;
  private mode = Mode.Unknown;
  /** Inside a line longer than the limit: discard until the next LF. */
  private skipping = false;

  constructor(
    private readonly maxLineLength: number,
    private readonly onLine: LineHandler,
    private readonly onTooLong: TooLongHandler,
  ) {}

  get lines(): number {
    return this.lineNo;
  }

  /** True until the framing is known to be line breaks (so CR/LF may be part of a record). */
  get fixedOrUnknown(): boolean {
    return this.mode !== Mode.Lines;
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    if (this.mode === Mode.Unknown) {
      this.carry += chunk;
      if (!this.decide(false)) return;
      chunk = this.carry;
      this.carry = '';
    }
    if (this.mode === Mode.Lines) this.pushLines(chunk);
    else this.pushFixed(chunk);
  }

  end(): void {
    if (this.mode === Mode.Unknown) {
      this.decide(true);
      const rest = this.carry;
      this.carry = '';
      if ((this.mode as Mode) === Mode.Lines) this.pushLines(rest);
      else this.pushFixed(rest);
    }
    if (this.skipping) {
      this.skipping = false;
      this.onTooLong(++this.lineNo);
      return;
    }
    let rest = this.carry;
    this.carry = '';
    if (this.mode === Mode.Fixed) {
      let start = 0;
      while (start < rest.length && (rest.charCodeAt(start) === LF || rest.charCodeAt(start) === CR)) start++;
      rest = rest.slice(start);
    } else if (rest.length > 0 && rest.charCodeAt(rest.length - 1) === CR) {
      rest = rest.slice(0, -1);
    }
    if (rest.length === 0) return;
    this.lineNo++;
    if (rest.length > this.maxLineLength) this.onTooLong(this.lineNo);
    else this.onLine(rest, this.lineNo);
  }

  /** Picks the framing once RECORD + 1 characters (or the end) are known; false while undecided. */
  private decide(atEnd: boolean): boolean {
    const s = this.carry;
    const lf = s.indexOf('\n');
    if (lf >= 0 && lf <= RECORD) {
      this.mode = Mode.Lines;
      return true;
    }
    if (s.length <= RECORD) {
      if (atEnd) this.mode = Mode.Lines;
      return atEnd;
    }
    const next = s.charCodeAt(RECORD);
    this.mode = s.charCodeAt(0) === 49 && (next === 53 || next === 57) ? Mode.Fixed : Mode.Lines;
    return true;
  }

  private pushLines(chunk: string): void {
    let s = chunk;
    let pos = 0;
    if (this.skipping) {
      const lf = s.indexOf('\n');
      if (lf < 0) return;
      this.skipping = false;
      this.onTooLong(++this.lineNo);
      pos = lf + 1;
    } else if (this.carry.length > 0) {
      s = this.carry + chunk;
      this.carry = '';
    }
    const max = this.maxLineLength;
    for (;;) {
      const lf = s.indexOf('\n', pos);
      if (lf < 0) break;
      const end = lf > pos && s.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      this.lineNo++;
      if (end - pos > max) this.onTooLong(this.lineNo);
      else this.onLine(s.slice(pos, end), this.lineNo);
      pos = lf + 1;
    }
    const rest = s.length - pos;
    // + 1: the line may still end in a CR that is not part of it.
    if (rest > max + 1) this.skipping = true;
    else if (rest > 0) this.carry = pos === 0 ? s : s.slice(pos);
  }

  private pushFixed(chunk: string): void {
    const s = this.carry.length > 0 ? this.carry + chunk : chunk;
    this.carry = '';
    let pos = 0;
    for (;;) {
      while (pos < s.length) {
        const c = s.charCodeAt(pos);
        if (c !== LF && c !== CR) break;
        pos++;
      }
      if (s.length - pos < RECORD) break;
      this.onLine(s.slice(pos, pos + RECORD), ++this.lineNo);
      pos += RECORD;
    }
    if (pos < s.length) this.carry = s.slice(pos);
  }
}
