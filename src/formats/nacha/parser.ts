// The streaming NACHA parser: a push parser (push(chunk) ... end()) that validates as it reads and hands
// out entries through a sink as soon as each is complete (that is, when the record after its addenda
// arrives). It keeps one batch's running totals and one pending entry, never the file: memory does not
// grow with the input. Control totals are only known at the end of a batch or file, so a caller that
// stages entries must wait for end() (result.ok) before committing them.
//
// Nothing in the input can make it throw: every problem becomes a NachaError with line, record, field
// and a stable code, and parsing goes on so that one upload reports all its problems (up to maxErrors).
// Deviations that leave the data reliable are NachaWarnings instead (errors under `strict`).

import { compareBatchControl, compareFileControl } from './control-checks.js';
import { EntryAssembler } from './entry-assembler.js';
import type { NachaError, NachaErrorCode, NachaRecordName, NachaWarning, NachaWarningCode, Report, Warn } from './errors.js';
import { describeCharacter, digits, fieldAt, firstInvalidCharacter, isBlank, type Layout } from './fields.js';
import { LineSplitter } from './line-splitter.js';
import { Tally } from './tally.js';
import { type NachaOptions, type ResolvedNachaOptions, resolveOptions } from './options.js';
import { ADV_BATCH_CONTROL_LAYOUT, BATCH_CONTROL_LAYOUT, parseBatchControl } from './records/batch-control.js';
import { BATCH_HEADER_LAYOUT, IAT_BATCH_HEADER_LAYOUT, isIatBatchHeader, parseBatchHeader } from './records/batch-header.js';
import type { RecordContext } from './records/context.js';
import { declaredAddendaCount, layoutForVariant, parseEntryDetail } from './records/entry-detail.js';
import { ADV_FILE_CONTROL_LAYOUT, FILE_CONTROL_LAYOUT, parseFileControl } from './records/file-control.js';
import { FILE_HEADER_LAYOUT, parseFileHeader } from './records/file-header.js';
import { ADDENDA_98, ADDENDA_99, ADDENDA_IAT, allowedAddenda, type EntryVariant, entryVariantOf } from './sec-codes.js';
import { checkSecAddenda, checkSecBatchHeader, checkSecEntry, rulesOf, type SecRules } from './sec-rules.js';
import { guessedTransactionCodeFlags, transactionCodeFlags } from './transaction-codes.js';
import type {
  NachaBatchControl,
  NachaBatchHeader,
  NachaEntry,
  NachaExcludedCounts,
  NachaFileControl,
  NachaFileHeader,
  NachaResult,
  NachaSink,
} from './types.js';

/** Outside printable ASCII and not a line break. */
const OUTSIDE_PRINTABLE_OR_BREAK = /[^\x20-\x7e\r\n]/;
/** Without line breaks as framing, a CR or LF inside a record is as wrong as any control character. */
const OUTSIDE_PRINTABLE = /[^\x20-\x7e]/;
const RECORD_LENGTH = 94;
const BLANKS = ' '.repeat(RECORD_LENGTH);
const PADDING = '9'.repeat(RECORD_LENGTH);

const enum State {
  /** Nothing read yet: expecting the file header. */
  Start,
  /** Between batches: expecting a batch header or the file control. */
  File,
  /** Inside a batch. */
  Batch,
  /** After the file control (or padding): only padding may follow. */
  End,
}

/** Stands in for the header of entries that appear outside any batch; such entries are never emitted. */
const ORPHAN_BATCH: NachaBatchHeader = Object.freeze({
  line: 0,
  serviceClassCode: 200,
  companyName: '',
  companyDiscretionaryData: '',
  companyIdentification: '',
  secCode: '',
  companyEntryDescription: '',
  companyDescriptiveDate: '',
  effectiveEntryDate: null,
  effectiveEntryDateRaw: '',
  settlementDate: '',
  originatorStatusCode: '',
  odfiIdentification: '',
  batchNumber: -1,
  iat: null,
});

/** A CR that does not end a line (one at the very end of a chunk counts: its LF is unknown yet). */
function hasLoneCr(text: string): boolean {
  for (let cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', cr + 2)) {
    if (text.charCodeAt(cr + 1) !== 10) return true;
  }
  return false;
}

function isAllNines(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 57) return false;
  return true;
}

function addendaRecordName(type: number): NachaRecordName {
  switch (type) {
    case 2:
      return 'addenda_02';
    case 5:
      return 'addenda_05';
    case 98:
      return 'addenda_98';
    case 99:
      return 'addenda_99';
    default:
      return type >= 10 && type <= 18 ? (`addenda_${type}` as NachaRecordName) : 'addenda';
  }
}

export class NachaParser {
  private readonly options: ResolvedNachaOptions;
  private readonly sink: NachaSink;
  private readonly splitter: LineSplitter;
  private readonly ctx: RecordContext;
  private readonly errors: NachaError[] = [];
  private errorTotal = 0;
  private readonly warnings: NachaWarning[] = [];
  private warningTotal = 0;
  /** First line of the run of empty lines being read, 0 when none: a warning only if a record follows. */
  private blankFrom = 0;
  private blankTo = 0;
  private halted = false;
  private haltedAtLine = 0;
  private result: NachaResult | null = null;
  /** Lines to scan for invalid characters: all while a dirty chunk is split, and up to this line after. */
  private scanAll = false;
  private scanThrough = 0;

  private state = State.Start;
  private fileHeader: NachaFileHeader | null = null;
  private fileControl: NachaFileControl | null = null;
  private adv: boolean | null = null;
  private lastBatchNumber = -1;
  private batchTotal = 0;
  /** Records other than padding, for the block count. */
  private recordCount = 0;
  private readonly file = new Tally();
  private readonly monetary = new Tally();
  private readonly excluded: NachaExcludedCounts = { notificationOfChange: 0, prenote: 0, zeroAmount: 0, total: 0 };

  private batch: NachaBatchHeader = ORPHAN_BATCH;
  private orphan = false;
  private batchTally = new Tally();
  private variant: EntryVariant = 'standard';
  private allowed = 0;
  /** The batch SEC code's own rules (sec-rules.ts); null for most codes. */
  private rules: SecRules | null = null;
  /** The first entry's category (0 none yet, 1 forward, 2 return, 3 NOC); a batch does not mix 1 and 2. */
  private category = 0;
  private categoryReported = false;
  /** Previous trace number of the batch as a number (15 digits fit in a double exactly); -1 for none. */
  private lastTrace = -1;
  /** The batch header's ODFI identification as a number, -1 when not numeric. */
  private batchOdfi = -1;

  private readonly assembler: EntryAssembler;

  constructor(options: NachaOptions = {}, sink: NachaSink = {}) {
    this.options = resolveOptions(options);
    this.sink = sink;
    const report: Report = (line, record, field, code, message) => this.report(line, record, field, code, message);
    const warn: Warn = (line, record, field, code, message) => this.warn(line, record, field, code, message);
    this.ctx = { report, warn, options: this.options };
    this.assembler = new EntryAssembler(this.ctx, (line, lineNo, record, layout) => this.checkCharacters(line, lineNo, record, layout));
    this.splitter = new LineSplitter(
      this.options.maxLineLength,
      (line, lineNo) => this.onLine(line, lineNo),
      (lineNo) => this.report(lineNo, 'line', 'record', 'line_too_long', `line ${lineNo} is longer than ${this.options.maxLineLength} characters; it was skipped`),
    );
  }

  /** True once maxErrors was reached: further input is ignored, the caller may stop reading. */
  get stopped(): boolean {
    return this.halted;
  }

  get errorCount(): number {
    return this.errorTotal;
  }

  /** Bytes are read as Latin-1 (one byte, one character), so positions are byte positions and any byte is readable. */
  push(chunk: Uint8Array | string): void {
    if (this.halted || this.result !== null) return;
    const text =
      typeof chunk === 'string'
        ? chunk
        : Buffer.isBuffer(chunk)
          ? chunk.toString('latin1')
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    // One regex pass over the chunk finds the (rare) chunks with a byte outside printable ASCII; only
    // their lines, and the line still open when they end, are scanned character by character.
    const dirty = this.splitter.fixedOrUnknown ? OUTSIDE_PRINTABLE.test(text) : OUTSIDE_PRINTABLE_OR_BREAK.test(text) || hasLoneCr(text);
    if (dirty) this.scanAll = true;
    this.splitter.push(text);
    if (dirty) {
      this.scanAll = false;
      this.scanThrough = this.splitter.lines + 1;
    }
  }

  /** Finishes the input; returns the result (the same object on every later call). */
  end(): NachaResult {
    if (this.result !== null) return this.result;
    if (!this.halted) this.splitter.end();
    if (!this.halted) this.finish();
    const totals = this.file.snapshot();
    this.result = {
      ok: this.errorTotal === 0,
      errors: this.errors,
      errorCount: this.errorTotal,
      warnings: this.warnings,
      warningCount: this.warningTotal,
      stoppedEarly: this.halted,
      fileHeader: this.fileHeader,
      fileControl: this.fileControl,
      isAdv: this.adv === true,
      lineCount: this.halted ? this.haltedAtLine : this.splitter.lines,
      batchCount: this.batchTotal,
      totals,
      monetary: this.monetary.snapshot(),
      excluded: { ...this.excluded },
    };
    return this.result;
  }

  private report(line: number, record: NachaRecordName, field: string, code: NachaErrorCode, message: string): void {
    if (this.halted) return;
    this.errorTotal++;
    const error: NachaError = { line, record, field, code, message };
    this.errors.push(error);
    this.sink.error?.(error);
    if (this.errorTotal >= this.options.maxErrors) {
      const stop: NachaError = {
        line,
        record: 'file',
        field: 'record',
        code: 'too_many_errors',
        message: `stopped after ${this.options.maxErrors} errors (maxErrors); the rest of the file was not checked`,
      };
      this.errors.push(stop);
      this.sink.error?.(stop);
      this.halted = true;
      // Lines after this one may or may not be counted depending on chunking: report this one.
      this.haltedAtLine = this.splitter.lines;
    }
  }

  /** Under `strict` a warning is an error with the same code; otherwise it is counted, and kept up to maxWarnings. */
  private warn(line: number, record: NachaRecordName, field: string, code: NachaWarningCode, message: string): void {
    if (this.options.strict) {
      this.report(line, record, field, code, message);
      return;
    }
    if (this.halted) return;
    this.warningTotal++;
    const warning: NachaWarning = { line, record, field, code, message };
    if (this.warnings.length < this.options.maxWarnings) this.warnings.push(warning);
    this.sink.warning?.(warning);
  }

  private finish(): void {
    const last = Math.max(1, this.splitter.lines);
    if (this.splitter.lines === 0 || (this.state === State.Start && this.recordCount === 0 && this.blankFrom === 1)) {
      this.report(1, 'file', 'record', 'empty_file', 'the input is empty: no NACHA records');
      return;
    }
    if (this.state === State.Start) {
      this.report(last, 'file_header', 'record_type', 'missing_file_header', 'no file header record (type 1) was found');
      return;
    }
    if (this.state === State.Batch) {
      if (!this.orphan) this.report(last, 'batch_control', 'record_type', 'missing_batch_control', `the batch opened at line ${this.batch.line} is not closed by a batch control record (type 8) before the end of the file`);
      this.closeBatch(null);
    }
    if (this.state === State.File && !this.options.allowMissingFileControl) {
      this.report(last, 'file_control', 'record_type', 'missing_file_control', 'the file ends without a file control record (type 9)');
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Records

  private onLine(raw: string, lineNo: number): void {
    if (this.halted) return;
    let line = raw;
    const length = line.length;
    // Empty (or all-blank) lines hold nothing: after the last record they are ignored (editors and
    // transfer tools add them), between records each run of them is one warning.
    if (length === 0 || (raw.charCodeAt(0) === 32 && isBlank(raw, 0, length))) {
      if (this.blankFrom === 0) this.blankFrom = lineNo;
      this.blankTo = lineNo;
      return;
    }
    if (this.blankFrom !== 0) {
      const run = this.blankFrom === this.blankTo ? `line ${this.blankFrom} is` : `lines ${this.blankFrom}-${this.blankTo} are`;
      this.warn(this.blankFrom, 'line', 'record', 'empty_line', `${run} empty; skipped`);
      this.blankFrom = 0;
    }
    if (length !== RECORD_LENGTH) {
      if (length < RECORD_LENGTH) {
        // Tools that strip trailing blanks cut only blanks: the padded record is what was written. A
        // record cut into its data fails the checks of the fields it lost (trace number, totals...).
        if (!this.options.allowShortLines && !(raw.charCodeAt(0) === 57 && isAllNines(raw))) {
          this.warn(lineNo, 'line', 'record', 'short_record', `line ${lineNo} is ${length} characters long; read as padded with blanks to 94`);
        }
        line += BLANKS.slice(length);
      } else {
        if (!this.options.allowLongLines || !isBlank(line, RECORD_LENGTH, length)) {
          this.report(lineNo, 'line', 'record', 'record_length', `line ${lineNo} is ${length} characters long; every record is 94`);
        }
        line = line.slice(0, RECORD_LENGTH);
      }
    }

    switch (line.charCodeAt(0)) {
      case 49:
        this.recordCount++;
        this.onFileHeader(line, lineNo);
        break;
      case 53:
        this.recordCount++;
        this.onBatchHeader(line, lineNo);
        break;
      case 54:
        this.recordCount++;
        this.onEntry(line, lineNo);
        break;
      case 55:
        this.recordCount++;
        this.onAddenda(line, lineNo);
        break;
      case 56:
        this.recordCount++;
        this.onBatchControl(line, lineNo);
        break;
      case 57:
        if (line === PADDING || (length !== RECORD_LENGTH && isAllNines(raw))) {
          this.onPadding(lineNo);
        } else {
          this.recordCount++;
          this.onFileControl(line, lineNo);
        }
        break;
      default:
        this.recordCount++;
        this.checkCharacters(line, lineNo, 'line', []);
        this.report(lineNo, 'line', 'record_type', 'unknown_record_type', `record type ${describeCharacter(line, 0)} is not a NACHA record type (1, 5, 6, 7, 8, 9)`);
    }
  }

  private checkCharacters(line: string, lineNo: number, record: NachaRecordName, layout: Layout): void {
    if (!this.scanAll && lineNo > this.scanThrough) return;
    const at = firstInvalidCharacter(line);
    if (at >= 0) {
      this.report(lineNo, record, fieldAt(layout, at), 'invalid_character', `character ${describeCharacter(line, at)} at position ${at + 1} is not printable ASCII`);
    }
  }

  /** Called when anything but a file header comes first; afterwards the file is read as if it had one. */
  private requireFileHeader(lineNo: number): boolean {
    if (this.state === State.Start) {
      this.report(lineNo, 'file_header', 'record_type', 'missing_file_header', `the file must start with a file header record (type 1); line ${lineNo} is not one`);
      this.state = State.File;
    }
    if (this.state === State.End) {
      this.report(lineNo, 'line', 'record_type', 'record_after_file_control', `only padding (all 9s) may follow the file control record; line ${lineNo} is a record`);
      return false;
    }
    return true;
  }

  private onFileHeader(line: string, lineNo: number): void {
    if (this.state !== State.Start) {
      if (this.state === State.End) {
        this.report(lineNo, 'line', 'record_type', 'record_after_file_control', `only padding (all 9s) may follow the file control record; line ${lineNo} is a file header (one upload is one file)`);
      } else {
        this.report(lineNo, 'file_header', 'record_type', 'duplicate_file_header', `a second file header at line ${lineNo}; the file started at line ${this.fileHeader?.line ?? 1}`);
      }
      return;
    }
    this.checkCharacters(line, lineNo, 'file_header', FILE_HEADER_LAYOUT);
    const header = parseFileHeader(line, lineNo, this.ctx);
    this.fileHeader = header;
    this.state = State.File;
    this.sink.fileHeader?.(header);
  }

  private onBatchHeader(line: string, lineNo: number): void {
    if (!this.requireFileHeader(lineNo)) return;
    if (this.state === State.Batch) {
      if (!this.orphan) this.report(lineNo, 'batch_control', 'record_type', 'missing_batch_control', `the batch opened at line ${this.batch.line} is not closed by a batch control record before the batch header at line ${lineNo}`);
      this.closeBatch(null);
    }
    const isIat = isIatBatchHeader(line);
    this.checkCharacters(line, lineNo, 'batch_header', isIat ? IAT_BATCH_HEADER_LAYOUT : BATCH_HEADER_LAYOUT);
    const header = parseBatchHeader(line, lineNo, this.ctx);

    const isAdv = header.secCode === 'ADV';
    if (this.adv === null) this.adv = isAdv;
    else if (this.adv !== isAdv) {
      this.report(lineNo, 'batch_header', 'standard_entry_class_code', 'mixed_adv_batches', `ADV and non-ADV batches cannot share a file (their file control layouts differ); this batch is ${header.secCode}`);
    }
    if (header.batchNumber >= 0) {
      if (this.lastBatchNumber >= 0 && header.batchNumber <= this.lastBatchNumber) {
        this.report(lineNo, 'batch_header', 'batch_number', 'batch_number_not_ascending', `batch number ${header.batchNumber} does not follow batch number ${this.lastBatchNumber}`);
      }
      this.lastBatchNumber = header.batchNumber;
    }

    this.batch = header;
    this.batchOdfi = digits(line, 79, 87);
    this.orphan = false;
    this.batchTally = new Tally();
    // An IAT notification of change (COR, IATCOR) has IAT entries answered by addenda 98 (or 99).
    this.variant = isIat ? 'iat' : entryVariantOf(header.secCode);
    this.allowed = isIat && header.secCode !== 'IAT' ? ADDENDA_98 | ADDENDA_99 | ADDENDA_IAT : allowedAddenda(header.secCode);
    this.rules = isIat ? null : rulesOf(header.secCode);
    this.category = 0;
    this.categoryReported = false;
    if (this.rules !== null) checkSecBatchHeader(header, this.rules, this.ctx);
    this.lastTrace = -1;
    this.batchTotal++;
    this.state = State.Batch;
    this.sink.batchHeader?.(header);
  }

  private onEntry(line: string, lineNo: number): void {
    if (!this.requireFileHeader(lineNo)) return;
    if (this.state === State.File) {
      this.report(lineNo, 'entry_detail', 'record_type', 'missing_batch_header', `entry detail at line ${lineNo} is outside any batch (no batch header before it)`);
      this.openOrphanBatch();
    }
    this.flushEntry();

    const variant = this.variant;
    this.checkCharacters(line, lineNo, 'entry_detail', layoutForVariant(variant));
    const entry = parseEntryDetail(line, lineNo, this.batch, variant, this.ctx);
    if (this.rules !== null) {
      const code = entry.transactionCode;
      const flags = transactionCodeFlags(code) || (this.options.allowUnknownTransactionCodes ? guessedTransactionCodeFlags(code) : 0);
      checkSecEntry(line, entry, flags, this.rules, this.ctx);
    }

    const trace = digits(line, 79, 94);
    if (trace < 0) {
      this.report(lineNo, 'entry_detail', variant === 'adv' ? 'ach_operator_routing_number' : 'trace_number', 'invalid_numeric', 'trace number (positions 80-94) must be fifteen digits');
    } else {
      if (!this.orphan && !this.options.skipTraceNumberChecks) {
        if (trace <= this.lastTrace) {
          this.report(lineNo, 'entry_detail', variant === 'adv' ? 'sequence_number' : 'trace_number', 'trace_number_not_ascending', `trace number ${entry.traceNumber} does not follow ${String(this.lastTrace).padStart(15, '0')} in ascending order`);
        }
        if (variant !== 'adv' && Math.floor(trace / 10_000_000) !== this.batchOdfi) {
          this.report(lineNo, 'entry_detail', 'trace_number', 'trace_number_odfi_mismatch', `trace number ${entry.traceNumber} does not start with the batch ODFI identification ${this.batch.odfiIdentification}`);
        }
      }
      this.lastTrace = trace;
    }

    const rdfi = digits(line, 3, 11);
    const tally = this.batchTally;
    tally.entryCount++;
    if (rdfi >= 0) tally.addHash(rdfi);
    tally.addAmount(entry.direction === 'credit', entry.amount);
    if (!this.orphan) {
      this.file.entryCount++;
      if (rdfi >= 0) this.file.addHash(rdfi);
      this.file.addAmount(entry.direction === 'credit', entry.amount);
    }

    const indicator = line.charCodeAt(78);
    this.assembler.begin(
      entry,
      variant,
      this.allowed,
      indicator === 48 || indicator === 49,
      variant === 'ctx' ? declaredAddendaCount(line) : -1,
      trace < 0 ? -1 : trace % 10_000_000,
    );
  }

  private openOrphanBatch(): void {
    this.batch = ORPHAN_BATCH;
    this.orphan = true;
    this.batchTally = new Tally();
    this.variant = 'standard';
    this.allowed = allowedAddenda('');
    this.rules = null;
    this.lastTrace = -1;
    this.state = State.Batch;
  }

  private onAddenda(line: string, lineNo: number): void {
    if (!this.requireFileHeader(lineNo)) return;
    const type = digits(line, 1, 3);
    const record = addendaRecordName(type);
    if (this.state === State.Batch) {
      this.batchTally.addendaCount++;
      if (!this.orphan) this.file.addendaCount++;
    }
    if (this.assembler.pending === null) {
      this.checkCharacters(line, lineNo, record, []);
      this.report(lineNo, record, 'record_type', 'addenda_without_entry', `addenda record at line ${lineNo} does not follow an entry detail record`);
      return;
    }
    this.assembler.add(line, lineNo, type, record);
  }

  /** Completes the pending entry (its addenda are all in), counts it and hands it to the sink. */
  private flushEntry(): void {
    const addenda = this.assembler.addendaCount;
    const entry = this.assembler.finish();
    if (entry === null || this.orphan) return;
    if (this.rules !== null) checkSecAddenda(entry, this.rules, this.ctx);
    this.checkCategory(entry);
    if (entry.isNotificationOfChange) {
      this.excluded.notificationOfChange++;
      this.excluded.total++;
    } else if (entry.isPrenote) {
      this.excluded.prenote++;
      this.excluded.total++;
    } else if (entry.isZeroAmount) {
      this.excluded.zeroAmount++;
      this.excluded.total++;
    } else {
      const monetary = this.monetary;
      monetary.entryCount++;
      monetary.addendaCount += addenda;
      monetary.addAmount(entry.direction === 'credit', entry.amount);
      const rdfi = digits(entry.rdfiRoutingNumber, 0, 8);
      if (rdfi >= 0) monetary.addHash(rdfi);
    }
    this.sink.entry?.(entry);
  }

  /**
   * moov-io/ach keeps forward entries and returns in separate batches (a return batch answers entries, it
   * does not originate any). Notifications of change may join either, and so may an OFFSET entry, which
   * balances a return batch without an addenda 99 of its own. Reported once per batch.
   */
  private checkCategory(entry: NachaEntry): void {
    const category = entry.isNotificationOfChange ? 3 : entry.isReturn ? 2 : 1;
    if (this.category === 0) {
      this.category = category;
    } else if (category !== 3 && category !== this.category && !this.categoryReported && entry.individualName.toUpperCase() !== 'OFFSET') {
      this.categoryReported = true;
      const what = (c: number) => (c === 1 ? 'a forward entry' : c === 2 ? 'a return' : 'a notification of change');
      this.report(entry.line, 'entry_detail', 'record', 'mixed_entry_categories', `${what(category)} in a batch whose first entry is ${what(this.category)}; forward entries and returns go in separate batches`);
    }
  }

  private onBatchControl(line: string, lineNo: number): void {
    if (!this.requireFileHeader(lineNo)) return;
    const isAdv = this.variant === 'adv' && this.state === State.Batch;
    this.checkCharacters(line, lineNo, 'batch_control', isAdv ? ADV_BATCH_CONTROL_LAYOUT : BATCH_CONTROL_LAYOUT);
    if (this.state !== State.Batch) {
      this.report(lineNo, 'batch_control', 'record_type', 'missing_batch_header', `batch control at line ${lineNo} closes no batch (no batch header before it)`);
      parseBatchControl(line, lineNo, false, this.ctx);
      return;
    }
    this.flushEntry();
    this.closeBatch(parseBatchControl(line, lineNo, isAdv, this.ctx));
  }

  private closeBatch(control: NachaBatchControl | null): void {
    this.flushEntry();
    this.state = State.File;
    if (this.orphan) {
      this.orphan = false;
      this.batch = ORPHAN_BATCH;
      return;
    }
    const header = this.batch;
    const tally = this.batchTally;
    if (tally.entryCount === 0) {
      this.report(header.line, 'batch_header', 'record', 'empty_batch', `the batch at line ${header.line} holds no entry detail records`);
    }
    if (control !== null) compareBatchControl(this.ctx, header, control, tally);
    this.sink.batchEnd?.({ header, control, totals: tally.snapshot() });
    this.batch = ORPHAN_BATCH;
  }

  private onFileControl(line: string, lineNo: number): void {
    if (!this.requireFileHeader(lineNo)) return;
    if (this.state === State.Batch) {
      if (!this.orphan) this.report(lineNo, 'batch_control', 'record_type', 'missing_batch_control', `the batch opened at line ${this.batch.line} is not closed by a batch control record before the file control at line ${lineNo}`);
      this.closeBatch(null);
    }
    const isAdv = this.adv === true;
    this.checkCharacters(line, lineNo, 'file_control', isAdv ? ADV_FILE_CONTROL_LAYOUT : FILE_CONTROL_LAYOUT);
    const control = parseFileControl(line, lineNo, isAdv, this.ctx);
    this.fileControl = control;
    this.state = State.End;
    if (!this.options.skipControlTotals) {
      compareFileControl(this.ctx, control, this.file, this.batchTotal, this.recordCount);
    }
    this.sink.fileControl?.(control);
  }

  private onPadding(lineNo: number): void {
    if (this.state === State.End) return;
    if (this.state === State.Start) {
      this.report(lineNo, 'file_header', 'record_type', 'missing_file_header', `the file must start with a file header record (type 1); line ${lineNo} is padding`);
    }
    if (this.state === State.Batch) {
      if (!this.orphan) this.report(lineNo, 'batch_control', 'record_type', 'missing_batch_control', `the batch opened at line ${this.batch.line} is not closed by a batch control record before the padding at line ${lineNo}`);
      this.closeBatch(null);
    }
    if (!this.options.allowMissingFileControl) {
      this.report(lineNo, 'file_control', 'record_type', 'missing_file_control', `padding at line ${lineNo} comes before any file control record (type 9)`);
    }
    this.state = State.End;
  }
}
