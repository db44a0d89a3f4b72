// A streaming reader of ISO 20022 camt.053 (Bank-to-Customer Statement) messages, versions 001.02 to 001.08,
// on saxes (a non-validating SAX parser): no DOM is built, each entry is handed on when its </Ntry> closes
// and forgotten, so memory is bounded by one entry (and its at most 10,000 transaction details) whatever
// the file's size.
//
// What is refused, and why:
// - a DOCTYPE: saxes expands no entities beyond XML's five, so a "billion laughs" or an external entity
//   could not do harm, but a DTD has no place in an ISO 20022 message and is the mark of such an attack;
//   it is refused as soon as it is seen.
// - any single run of text, markup, comment or attribute longer than maxTokenLength: saxes buffers such
//   a run whole before it reports it, so without this guard one 2 GiB text node would be held in memory.
// - nesting deeper than 64 elements (saxes keeps a stack of open elements; camt.053 needs about 12).
// - anything but UTF-8, which ISO 20022 mandates.
//
// Only elements in the document's namespace are read, by their position in the tree (the element specs
// of tree.ts); unknown elements are skipped with their whole subtree, as a schema-valid file may carry many
// that Sluice does not map. Elements Sluice relies on are checked: present, once, well-formed. The file is
// not validated against the XSD otherwise.

import { SaxesParser, type SaxesTag } from 'saxes';
import { emptyCode, emptyTally, last4, maskAccount, type BalanceBuilder, type EntryBuilder, type StatementBuilder } from './builders.js';
import { formatDecimal, parseDecimal } from './decimal.js';
import { CAMT053_ERROR_CODES, type Camt053Error, type Camt053ErrorCode, type Camt053Warning, type Camt053WarningCode } from './errors.js';
import { DOCUMENT, type Frame, type TreeHost } from './tree.js';
import type {
  Camt053Amount,
  Camt053Balance,
  Camt053Entry,
  Camt053MessageInfo,
  Camt053Options,
  Camt053Result,
  Camt053StatementInfo,
  Camt053StatementSummary,
  Camt053TransactionDetails,
  Direction,
} from './types.js';

export { last4, maskAccount } from './builders.js';
export { MAX_TRANSACTION_DETAILS } from './tree.js';

export const NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.';
export const SUPPORTED_VERSIONS = ['02', '03', '04', '05', '06', '07', '08'] as const;
export const MAX_DEPTH = 64;
export const DEFAULT_MAX_TOKEN_LENGTH = 1024 * 1024;
/** Statements listed in the result (and so in source_details); the count says how many there were. */
export const MAX_LISTED_STATEMENTS = 100;
/** Text of one element kept (longer values are cut here; identifiers are 35, free text at most 500). */
const MAX_TEXT = 4096;
/** Input is fed to saxes in slices of this many characters, so the token guard acts between them. */
const SLICE = 64 * 1024;

/** Thrown from a handler to stop saxes at once, inside its write(). */
class Stop extends Error {}

export interface Camt053Sink {
  entry(entry: Camt053Entry): void;
  statementEnd?(statement: Camt053StatementSummary): void;
  error?(error: Camt053Error): void;
  warning?(warning: Camt053Warning): void;
}

export class Camt053Reader implements TreeHost {
  private readonly parser: SaxesParser<{ xmlns: false; position: true }>;
  private readonly stack: Frame[] = [];
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly options: Required<Camt053Options>;
  /** Position (characters) of the last event saxes reported: the token guard measures from it. */
  private lastEvent = 0;
  private textDepth = -1;
  private textBuffer = '';
  private startLine = 1;
  private startColumn = 1;
  private readonly counters = { stmt: 0, bal: 0, ntry: 0, tx: 0 };

  stopped = false;
  rootClosed = false;
  sawRoot = false;
  sawBody = false;
  sawGroupHeader = false;
  version: string | null = null;
  messageId: string | null = null;
  messageCreatedAt: string | null = null;
  private message: Camt053MessageInfo | null = null;

  statement: StatementBuilder | null = null;
  balance: BalanceBuilder | null = null;
  entry: EntryBuilder | null = null;
  tx: Camt053TransactionDetails | null = null;
  /** The Ccy attribute of the Amt element being read. */
  currency: string | null = null;

  statementCount = 0;
  private entryCount = 0;
  private recordCount = 0;
  private readonly statements: Camt053StatementSummary[] = [];
  private readonly errors: Camt053Error[] = [];
  private errorCount = 0;
  private readonly warnings: Camt053Warning[] = [];
  private warningCount = 0;

  constructor(
    options: Camt053Options,
    private readonly sink: Camt053Sink,
  ) {
    this.options = {
      strict: options.strict ?? false,
      maxTokenLength: options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH,
      maxErrors: options.maxErrors ?? 100,
      maxWarnings: options.maxWarnings ?? 100,
    };
    // Namespaces are resolved here, not by saxes: its namespace processing doubles its time, and a camt.053
    // file binds one namespace, on its root (see open()).
    const parser = new SaxesParser({ xmlns: false, position: true });
    this.parser = parser;
    const seen = () => {
      this.lastEvent = parser.position;
    };
    // At most SEVEN handlers, on purpose. saxes stores each under a computed key, and V8 turns an object
    // given an eighth property that way into a dictionary: every field saxes reads per character becomes a
    // hash look-up, and the same file took 3.3 s instead of 0.6 s to scan (bench/experiments/camt053-reader.ts
    // prints the reader against saxes alone). So the XML declaration is read from parser.xmlDecl when the
    // root opens (checkRoot), and comments and processing instructions have no handler: they count toward
    // the token guard's run with the markup around them (docs/camt053.md).
    parser.on('doctype', () => this.fatalAt('xml_dtd_forbidden', 'DOCTYPE', 'The file has a document type declaration (<!DOCTYPE ...>); DTDs and entities are refused.'));
    parser.on('opentagstart', (tag) => {
      seen();
      this.startLine = parser.line;
      this.startColumn = Math.max(1, parser.column - tag.name.length);
    });
    parser.on('opentag', (tag) => {
      if (this.stopped) throw new Stop();
      seen();
      this.open(tag);
    });
    parser.on('closetag', () => {
      if (this.stopped) throw new Stop();
      seen();
      this.close();
    });
    parser.on('text', (text) => {
      seen();
      if (this.textDepth === this.stack.length && this.textBuffer.length < MAX_TEXT) this.textBuffer += text;
    });
    parser.on('cdata', (text) => {
      seen();
      if (this.textDepth === this.stack.length && this.textBuffer.length < MAX_TEXT) this.textBuffer += text;
    });
    parser.on('error', (error) => {
      const reason = error.message.replace(/^[^:]*:\d+:\d+: /, '');
      this.fatalAt('xml_malformed', this.pathHere(), `The file is not well-formed XML: ${reason}`);
    });
  }

  /** Feeds the next bytes (or text). Does nothing once the reader has stopped. */
  push(chunk: Uint8Array | string): void {
    if (this.stopped) return;
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else {
      try {
        text = this.decoder.decode(chunk, { stream: true });
      } catch {
        this.stopWith('invalid_utf8', 'xml', 'The file is not valid UTF-8 text (ISO 20022 messages are UTF-8).');
        return;
      }
    }
    this.write(text);
  }

  private write(text: string): void {
    try {
      for (let offset = 0; offset < text.length && !this.stopped; offset += SLICE) {
        this.parser.write(text.length <= SLICE ? text : text.slice(offset, offset + SLICE));
        if (this.parser.position - this.lastEvent > this.options.maxTokenLength) {
          this.fatalAt('xml_token_too_long', this.pathHere(), `More than ${this.options.maxTokenLength} characters of text, markup or attribute in one piece.`);
        }
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
    }
  }

  end(): Camt053Result {
    if (!this.stopped) {
      try {
        const rest = this.decoder.decode();
        if (rest.length > 0) this.write(rest);
      } catch {
        this.stopWith('invalid_utf8', 'xml', 'The file is not valid UTF-8 text: it ends inside a character.');
      }
    }
    if (!this.stopped) {
      if (!this.rootClosed) {
        this.stopWith(
          'xml_truncated',
          this.pathHere(),
          this.sawRoot ? `The file ends inside ${this.pathHere()}: it was cut off.` : 'The file holds no XML element at all.',
        );
      } else {
        try {
          this.parser.close();
        } catch (error) {
          if (!(error instanceof Stop)) throw error;
        }
      }
    }
    return {
      ok: this.errorCount === 0,
      message: this.message,
      statements: this.statements,
      statementCount: this.statementCount,
      entryCount: this.entryCount,
      recordCount: this.recordCount,
      errors: this.errors,
      errorCount: this.errorCount,
      warnings: this.warnings,
      warningCount: this.warningCount,
    };
  }

  // ---------- tree walking ----------

  /** The document's prefix (`''` for a default namespace) and the attribute that binds it. */
  private prefix = '';
  private binding = 'xmlns';

  /**
   * The element's local name when it is in the document's namespace: it carries the root's prefix, and no
   * attribute of its own binds that prefix to another namespace. Undefined for an element of another one.
   */
  private localName(tag: SaxesTag): string | undefined {
    const name = tag.name;
    const colon = name.indexOf(':');
    let local: string;
    if (this.prefix === '') {
      if (colon !== -1) return undefined;
      local = name;
    } else {
      if (colon !== this.prefix.length || !name.startsWith(this.prefix)) return undefined;
      local = name.slice(colon + 1);
    }
    const rebound = (tag.attributes as Record<string, string>)[this.binding];
    return rebound === undefined || rebound === this.namespace ? local : undefined;
  }

  private open(tag: SaxesTag): void {
    const depth = this.stack.length;
    const colon = tag.name.indexOf(':');
    const frame: Frame = { spec: null, name: colon === -1 ? tag.name : tag.name.slice(colon + 1), line: this.startLine, column: this.startColumn, index: 0 };
    if (depth >= MAX_DEPTH) this.fatal('xml_too_deep', frame, `Elements are nested deeper than ${MAX_DEPTH} levels.`);
    if (depth === 0) {
      this.sawRoot = true;
      this.checkRoot(tag, frame);
      frame.spec = DOCUMENT;
    } else {
      const parent = this.stack[depth - 1]!;
      if (parent.spec !== null) {
        const local = this.localName(tag);
        if (local === undefined) {
          this.fail('unexpected_namespace', frame, `${frame.name.slice(0, 40)} is in another XML namespace than the document's; it was not read.`);
        } else {
          const child = parent.spec.children?.[local];
          if (child !== undefined) {
            frame.spec = child;
            if (child.repeats !== undefined) frame.index = this.nextIndex(child.repeats);
          }
        }
      }
    }
    this.stack.push(frame);
    if (frame.spec !== null) {
      if (depth === 1) this.sawBody = true;
      if (frame.spec.text) {
        this.textDepth = this.stack.length;
        this.textBuffer = '';
      }
      frame.spec.open?.(this, tag, frame);
    }
  }

  private close(): void {
    const depth = this.stack.length;
    const frame = this.stack.pop()!;
    const s = frame.spec;
    if (s === null) return;
    let text = '';
    if (s.text && this.textDepth === depth) {
      text = this.textBuffer;
      this.textBuffer = '';
      this.textDepth = -1;
    }
    s.close?.(this, text, frame);
  }

  private namespace = '';

  private checkRoot(tag: SaxesTag, frame: Frame): void {
    // saxes has read the XML declaration, if there is one, by the time the root opens: it may stand only
    // at the very start of the file, so its errors are reported there.
    const declared = this.parser.xmlDecl.encoding;
    const encoding = declared?.toLowerCase();
    if (encoding !== undefined && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(encoding)) {
      this.stopAt('xml_encoding_unsupported', 1, 1, 'xml', `The XML declaration names the encoding ${JSON.stringify(declared!.slice(0, 40))}; ISO 20022 messages are UTF-8.`);
    }
    const colon = tag.name.indexOf(':');
    this.prefix = colon === -1 ? '' : tag.name.slice(0, colon);
    this.binding = this.prefix === '' ? 'xmlns' : `xmlns:${this.prefix}`;
    const uri = (tag.attributes as Record<string, string>)[this.binding] ?? '';
    const local = frame.name;
    if (local === 'Document' && uri.startsWith(NAMESPACE_PREFIX)) {
      const version = uri.slice(NAMESPACE_PREFIX.length);
      if ((SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
        this.namespace = uri;
        this.version = `001.${version}`;
        return;
      }
      this.fatal('unsupported_version', frame, `This is camt.053 version 001.${version.slice(0, 10)}; Sluice reads versions 001.02 to 001.08.`);
    }
    const iso = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.\d{3}\.\d{2}$/.exec(uri);
    const what = iso ? `an ISO 20022 ${iso[1]} message, not a camt.053 bank statement` : uri === '' ? 'XML in no namespace' : `XML in the namespace ${JSON.stringify(uri.slice(0, 80))}`;
    this.fatal('wrong_namespace', frame, `The root element ${local.slice(0, 40)} is ${what}; a camt.053 file is a Document in ${NAMESPACE_PREFIX}NN.`);
  }

  private nextIndex(kind: 'stmt' | 'bal' | 'ntry' | 'tx'): number {
    const c = this.counters;
    if (kind === 'stmt') {
      c.bal = 0;
      c.ntry = 0;
      return ++c.stmt;
    }
    if (kind === 'ntry') c.tx = 0;
    return ++c[kind];
  }

  /** `Stmt[2]/Ntry[14]/Amt`: the path of the frame (or the current element) below BkToCstmrStmt. */
  path(frame?: Frame): string {
    const parts: string[] = [];
    const frames = frame && !this.stack.includes(frame) ? [...this.stack, frame] : this.stack;
    for (let i = 2; i < frames.length; i++) {
      const f = frames[i]!;
      parts.push(f.index > 0 ? `${f.name}[${f.index}]` : f.name);
      if (f === frame) break;
    }
    if (parts.length === 0) return frames.length > 0 ? frames[frames.length - 1]!.name : 'Document';
    return parts.join('/');
  }

  private pathHere(): string {
    return this.path();
  }

  // ---------- problems ----------

  /** An error; reading goes on (to find the others) but nothing more is staged. */
  fail(code: Camt053ErrorCode, frame: Frame, message: string): void {
    this.report(code, frame.line, frame.column, this.path(frame), message);
  }

  /** An error after which nothing can be read sensibly: stops at once. */
  fatal(code: Camt053ErrorCode, frame: Frame, message: string): never {
    this.stopAt(code, frame.line, frame.column, this.path(frame), message);
  }

  private fatalAt(code: Camt053ErrorCode, path: string, message: string): never {
    this.stopAt(code, this.parser.line, this.parser.column + 1, path, message);
  }

  private stopAt(code: Camt053ErrorCode, line: number, column: number, path: string, message: string): never {
    this.report(code, line, column, path, message);
    this.stopped = true;
    throw new Stop();
  }

  private stopWith(code: Camt053ErrorCode, path: string, message: string): void {
    this.report(code, this.parser.line, this.parser.column + 1, path, message);
    this.stopped = true;
  }

  private report(code: Camt053ErrorCode, line: number, column: number, path: string, message: string): void {
    this.errorCount++;
    if (this.errors.length < this.options.maxErrors) {
      const error: Camt053Error = { code, line, column, path, message };
      this.errors.push(error);
      this.sink.error?.(error);
    } else if (this.errors.length === this.options.maxErrors) {
      // The handlers see `stopped` and end saxes' write at the next element.
      this.stopped = true;
      const error: Camt053Error = { code: 'too_many_errors', line, column, path, message: CAMT053_ERROR_CODES.too_many_errors };
      this.errors.push(error);
      this.sink.error?.(error);
    }
  }

  warn(code: Camt053WarningCode, line: number, column: number, path: string, message: string): void {
    if (this.options.strict) {
      this.report(code as unknown as Camt053ErrorCode, line, column, path, message);
      return;
    }
    this.warningCount++;
    if (this.warnings.length < this.options.maxWarnings) {
      const warning: Camt053Warning = { code, line, column, path, message };
      this.warnings.push(warning);
      this.sink.warning?.(warning);
    }
  }

  // ---------- values ----------

  amount(text: string, frame: Frame): Camt053Amount | null {
    const currency = this.currency;
    this.currency = null;
    if (currency === null || !/^[A-Z]{3}$/.test(currency)) {
      this.fail('invalid_currency_code', frame, currency === null ? `${frame.name} has no Ccy attribute.` : `${frame.name} has a Ccy attribute that is not three letters A-Z.`);
      return null;
    }
    const value = parseDecimal(text);
    if (value === undefined) {
      this.fail('invalid_amount', frame, `${frame.name} is not an ISO 20022 amount (digits, an optional point and up to 5 fraction digits, at most 18 digits, no sign).`);
      return null;
    }
    return { text: text.trim(), value, currency };
  }

  direction(text: string, frame: Frame): Direction | null {
    const v = text.trim();
    if (v === 'CRDT') return 'credit';
    if (v === 'DBIT') return 'debit';
    this.fail('invalid_code', frame, `${frame.name} must be CRDT or DBIT.`);
    return null;
  }

  // ---------- statements ----------

  openStatement(frame: Frame): void {
    this.statementCount++;
    if (this.messageId === null) this.fail('missing_element', frame, 'The group header has no message identification (GrpHdr/MsgId) before the first statement.');
    else if (this.message === null) {
      if (this.messageId.length === 0 || this.messageId.length > 35) this.fail('invalid_identifier', frame, 'GrpHdr/MsgId must be 1 to 35 characters.');
      this.message = { version: this.version!, messageId: this.messageId, createdAt: this.messageCreatedAt };
    }
    this.statement = {
      index: frame.index,
      line: frame.line,
      id: null,
      electronicSequence: null,
      legalSequence: null,
      createdAt: null,
      account: { seen: false, iban: null, other: null, currency: null },
      info: null,
      infoFailed: false,
      balances: [],
      summary: null,
      entries: 0,
      all: emptyTally(),
      bookedCount: 0,
      booked: new Map(),
      excluded: {},
      records: 0,
    };
  }

  /** The statement's identity for its entries, made once: its account is known by the first Bal or Ntry. */
  private statementInfo(frame: Frame): Camt053StatementInfo | null {
    const s = this.statement!;
    if (s.info !== null || s.infoFailed) return s.info;
    s.infoFailed = true;
    if (s.id === null) {
      this.fail('missing_element', frame, 'The statement has no identification (Stmt/Id) before its balances and entries.');
      return null;
    }
    if (s.id.length === 0 || s.id.length > 35) this.fail('invalid_identifier', frame, 'Stmt/Id must be 1 to 35 characters.');
    const account = s.account.iban ?? s.account.other;
    if (account === null || account === '') {
      this.fail('missing_element', frame, 'The statement has no account identification (Stmt/Acct/Id/IBAN or Othr/Id) before its balances and entries.');
      return null;
    }
    if (this.message !== null) {
      const masked = maskAccount(this.message.messageId, account);
      if (masked !== this.message.messageId) this.message = { ...this.message, messageId: masked };
    }
    s.infoFailed = false;
    s.info = {
      index: s.index,
      id: maskAccount(s.id, account),
      electronicSequence: s.electronicSequence,
      legalSequence: s.legalSequence,
      createdAt: s.createdAt,
      accountLast4: last4(account),
      accountCurrency: s.account.currency,
    };
    return s.info;
  }

  closeBalance(frame: Frame): void {
    const b = this.balance!;
    this.balance = null;
    this.statementInfo(frame);
    if (b.type === null) return this.fail('missing_element', frame, 'The balance has no type (Bal/Tp/CdOrPrtry/Cd).');
    if (b.amount === null) return this.fail('missing_element', frame, 'The balance has no amount (Bal/Amt).');
    if (b.direction === null) return this.fail('missing_element', frame, 'The balance has no CdtDbtInd.');
    this.statement!.balances.push({ type: b.type, amount: b.amount, direction: b.direction, date: b.date, line: b.line });
  }

  openEntry(frame: Frame): void {
    this.statementInfo(frame);
    this.entry = {
      line: frame.line,
      index: frame.index,
      reference: null,
      amount: null,
      direction: null,
      reversal: false,
      status: null,
      bookingDate: null,
      valueDate: null,
      accountServicerReference: null,
      bankTransactionCode: emptyCode(),
      additionalInfo: null,
      details: [],
    };
  }

  closeEntry(frame: Frame): void {
    const e = this.entry!;
    this.entry = null;
    this.entryCount++;
    const s = this.statement!;
    s.entries++;
    if (e.amount === null) return this.fail('missing_element', frame, 'The entry has no amount (Ntry/Amt).');
    if (e.direction === null) return this.fail('missing_element', frame, 'The entry has no CdtDbtInd.');
    if (e.status === null) return this.fail('missing_element', frame, 'The entry has no status (Ntry/Sts).');
    const info = s.info;
    if (info === null || this.message === null) return;

    const all = s.all;
    all.count++;
    if (e.direction === 'credit') {
      all.creditCount++;
      all.credit += e.amount.value;
    } else {
      all.debitCount++;
      all.debit += e.amount.value;
    }
    const booked = e.status === 'BOOK';
    if (booked) {
      s.bookedCount++;
      let t = s.booked.get(e.amount.currency);
      if (t === undefined) s.booked.set(e.amount.currency, (t = { creditCount: 0, credit: 0n, debitCount: 0, debit: 0n }));
      if (e.direction === 'credit') {
        t.creditCount++;
        t.credit += e.amount.value;
      } else {
        t.debitCount++;
        t.debit += e.amount.value;
      }
    } else s.excluded[e.status] = (s.excluded[e.status] ?? 0) + 1;

    const split = e.details.length > 1 && this.splits(e, frame);
    const records = booked ? (split ? e.details.length : 1) : 0;
    s.records += records;
    this.recordCount += records;
    if (this.errorCount > 0) return;
    this.sink.entry({
      line: e.line,
      message: this.message,
      statement: info,
      index: e.index,
      reference: e.reference,
      amount: e.amount,
      direction: e.direction,
      reversal: e.reversal,
      status: e.status,
      bookingDate: e.bookingDate,
      valueDate: e.valueDate,
      accountServicerReference: e.accountServicerReference,
      bankTransactionCode: e.bankTransactionCode,
      additionalInfo: e.additionalInfo,
      details: e.details,
      split,
      booked,
    });
  }

  /**
   * Whether an entry of several transaction details becomes one record per detail: only when every detail
   * has an amount in the entry's currency and their signed sum is the entry's amount. Otherwise the entry
   * stays one record (a warning says why), so the records always add up to the statement.
   */
  private splits(e: EntryBuilder, frame: Frame): boolean {
    const amount = e.amount!;
    const sign = (d: Direction) => (d === e.direction ? 1n : -1n);
    let sum = 0n;
    for (const d of e.details) {
      const own = d.amounts.find((a) => a.currency === amount.currency);
      if (own === undefined) {
        this.warn('transaction_details_not_split', frame.line, frame.column, this.path(frame), `A transaction detail has no amount in the entry's currency ${amount.currency}; the entry is one record.`);
        return false;
      }
      sum += sign(d.direction ?? e.direction!) * own.value;
    }
    if (sum !== amount.value) {
      this.warn(
        'transaction_details_not_split',
        frame.line,
        frame.column,
        this.path(frame),
        `The ${e.details.length} transaction details add up to ${formatDecimal(sum)} ${amount.currency}, not the entry's ${formatDecimal(amount.value)}; the entry is one record.`,
      );
      return false;
    }
    for (const d of e.details) {
      const own = d.amounts.find((a) => a.currency === amount.currency)!;
      d.amounts = [own];
      d.direction ??= e.direction!;
    }
    return true;
  }

  closeStatement(frame: Frame): void {
    const s = this.statement!;
    const info = this.statementInfo(frame);
    this.statement = null;
    if (info === null) return;
    const check = this.checkBalances(s, frame);
    this.checkSummary(s, frame);
    const summary: Camt053StatementSummary = {
      ...info,
      line: s.line,
      balances: s.balances,
      entryCount: s.entries,
      bookedCount: s.bookedCount,
      excluded: s.excluded,
      recordCount: s.records,
      booked: s.booked,
      balanceCheck: check === null ? 'ok' : 'not_checked',
      balanceCheckReason: check,
    };
    if (this.statements.length < MAX_LISTED_STATEMENTS) this.statements.push(summary);
    this.sink.statementEnd?.(summary);
  }

  /** Opening booked balance + booked entries = closing booked balance. Returns why it was not checked, or null. */
  private checkBalances(s: StatementBuilder, frame: Frame): string | null {
    const find = (...types: string[]) => types.map((t) => s.balances.find((b) => b.type === t)).find((b) => b !== undefined);
    const opening = find('OPBD', 'PRCD');
    const closing = find('CLBD');
    let reason: string | null = null;
    if (opening === undefined) reason = 'the statement has no opening booked balance (OPBD or PRCD)';
    else if (closing === undefined) reason = 'the statement has no closing booked balance (CLBD)';
    else if (opening.amount.currency !== closing.amount.currency) {
      reason = `its opening balance is in ${opening.amount.currency} and its closing balance in ${closing.amount.currency}`;
    } else {
      const other = [...s.booked.keys()].find((c) => c !== opening.amount.currency);
      if (other !== undefined) reason = `a booked entry is in ${other}, its balances in ${opening.amount.currency}`;
    }
    if (reason !== null) {
      this.warn('balance_not_checked', frame.line, frame.column, this.path(frame), `The balances of this statement were not checked against its entries: ${reason}.`);
      return reason;
    }
    const signed = (b: Camt053Balance) => (b.direction === 'credit' ? b.amount.value : -b.amount.value);
    const t = s.booked.get(opening!.amount.currency);
    const net = t === undefined ? 0n : t.credit - t.debit;
    const expected = signed(opening!) + net;
    if (expected !== signed(closing!)) {
      const ccy = closing!.amount.currency;
      this.report(
        'balance_mismatch',
        closing!.line,
        1,
        `${this.path(frame)}/Bal(${closing!.type})`,
        `The opening balance ${formatDecimal(signed(opening!))} ${ccy} (${opening!.type}) plus the booked entries (net ${formatDecimal(net)}) is ${formatDecimal(expected)}, but the closing balance (CLBD) is ${formatDecimal(signed(closing!))}.`,
      );
    }
    return null;
  }

  private checkSummary(s: StatementBuilder, frame: Frame): void {
    const sum = s.summary;
    if (sum === null) return;
    const where = `${this.path(frame)}/TxsSummry`;
    const mismatch = (what: string, stated: string, actual: string) =>
      this.report('summary_mismatch', sum.line, 1, where, `TxsSummry states ${what} ${stated.slice(0, 40)} but the statement's entries give ${actual}.`);
    const count = (stated: string | null, actual: number, what: string) => {
      if (stated !== null && (!/^\d{1,15}$/.test(stated) || Number(stated) !== actual)) mismatch(what, stated, String(actual));
    };
    const total = (stated: string | null, actual: bigint, what: string) => {
      if (stated === null) return;
      const value = parseDecimal(stated);
      if (value !== actual) mismatch(what, stated, formatDecimal(actual));
    };
    const a = s.all;
    count(sum.total.count, a.count, 'the number of entries');
    total(sum.total.sum, a.credit + a.debit, 'the sum of the entries');
    if (sum.total.net !== null) {
      const net = a.credit - a.debit;
      const value = parseDecimal(sum.total.net);
      const signedValue = value === undefined ? undefined : sum.total.netDirection === 'DBIT' ? -value : value;
      if (signedValue !== net) mismatch('the net amount', `${sum.total.net} ${sum.total.netDirection ?? ''}`.trim(), formatDecimal(net));
    }
    if (sum.credit) {
      count(sum.credit.count, a.creditCount, 'the number of credit entries');
      total(sum.credit.sum, a.credit, 'the sum of the credit entries');
    }
    if (sum.debit) {
      count(sum.debit.count, a.debitCount, 'the number of debit entries');
      total(sum.debit.sum, a.debit, 'the sum of the debit entries');
    }
  }
}
