// Assembles one entry from its entry detail record and the addenda records after it: attaches the
// parsed addenda, checks their types, order and sequence numbers against the entry, and decides at the
// end whether the entry moves money. The parser keeps one assembler, so at most one entry (and at most
// MAX_ADDENDA_PER_ENTRY addenda) is held at a time.

import type { NachaRecordName } from './errors.js';
import type { Layout } from './fields.js';
import { ADDENDA_02_LAYOUT, parseAddenda02 } from './records/addenda-02.js';
import { ADDENDA_05_LAYOUT, parseAddenda05 } from './records/addenda-05.js';
import { ADDENDA_98_LAYOUT, parseAddenda98 } from './records/addenda-98.js';
import { layoutOfAddenda99, parseAddenda99 } from './records/addenda-99.js';
import type { RecordContext } from './records/context.js';
import { IAT_ADDENDA_LAYOUTS, parseIatAddenda } from './records/iat-addenda.js';
import { ADDENDA_02, ADDENDA_05, ADDENDA_98, ADDENDA_99, ADDENDA_IAT, type EntryVariant } from './sec-codes.js';
import type { NachaEntry } from './types.js';

/** CTX allows 9,999 addenda per entry; anything beyond is counted but not kept (bounded memory). */
export const MAX_ADDENDA_PER_ENTRY = 9999;

export type CharacterCheck = (line: string, lineNo: number, record: NachaRecordName, layout: Layout) => void;

export class EntryAssembler {
  private entry: NachaEntry | null = null;
  private variant: EntryVariant = 'standard';
  private allowed = 0;
  private indicatorValid = true;
  /** CTX/ATX/TRX: the number of addenda the entry announces (positions 55-58); -1 otherwise. */
  private declaredAddenda = -1;
  /** Last seven digits of the entry's trace number, which addenda repeat; -1 when not numeric. */
  private traceSequence = -1;
  private count = 0;
  /** Per addenda type (05, 17, 18): how many so far and the last sequence number read (-1: none). */
  private seq05 = 0;
  private seq17 = 0;
  private seq18 = 0;
  private last05 = -1;
  private last17 = -1;
  private last18 = -1;
  /** IAT: the mandatory addenda 10-16 seen so far, bit (type - 10); the next type expected in order. */
  private iatSeen = 0;
  private iatNext = 10;
  private iatOrderReported = false;
  private paymentInfo: string[] | null = null;

  constructor(
    private readonly ctx: RecordContext,
    private readonly checkCharacters: CharacterCheck,
  ) {}

  get pending(): NachaEntry | null {
    return this.entry;
  }

  /** Addenda records that followed the pending entry so far, kept or not. */
  get addendaCount(): number {
    return this.count;
  }

  begin(entry: NachaEntry, variant: EntryVariant, allowed: number, indicatorValid: boolean, declaredAddenda: number, traceSequence: number): void {
    this.entry = entry;
    this.variant = variant;
    this.allowed = allowed;
    this.indicatorValid = indicatorValid;
    this.declaredAddenda = declaredAddenda;
    this.traceSequence = traceSequence;
    this.count = 0;
    this.seq05 = 0;
    this.seq17 = 0;
    this.seq18 = 0;
    this.last05 = -1;
    this.last17 = -1;
    this.last18 = -1;
    this.iatSeen = 0;
    this.iatNext = 10;
    this.iatOrderReported = false;
    this.paymentInfo = null;
  }

  /** One addenda record of the pending entry; `type` is its addenda type code (-1 if not numeric). */
  add(line: string, lineNo: number, type: number, record: NachaRecordName): void {
    const entry = this.entry;
    if (entry === null) return;
    const { report } = this.ctx;
    this.count++;
    if (this.count > MAX_ADDENDA_PER_ENTRY) {
      if (this.count === MAX_ADDENDA_PER_ENTRY + 1) {
        report(lineNo, record, 'record_type', 'too_many_addenda', `the entry at line ${entry.line} has more than ${MAX_ADDENDA_PER_ENTRY} addenda records; the rest are not kept`);
      }
      return;
    }

    let bit = 0;
    let layout: Layout = [];
    if (type === 2) {
      bit = ADDENDA_02;
      layout = ADDENDA_02_LAYOUT;
    } else if (type === 5) {
      bit = ADDENDA_05;
      layout = ADDENDA_05_LAYOUT;
    } else if (type === 98) {
      bit = ADDENDA_98;
      layout = ADDENDA_98_LAYOUT;
    } else if (type === 99) {
      bit = ADDENDA_99;
      layout = layoutOfAddenda99(line);
    } else if (type >= 10 && type <= 18) {
      bit = ADDENDA_IAT;
      layout = IAT_ADDENDA_LAYOUTS[line.slice(1, 3)] ?? [];
    }
    this.checkCharacters(line, lineNo, record, layout);
    if (bit === 0 || (this.allowed & bit) === 0) {
      report(
        lineNo,
        record,
        'addenda_type_code',
        'addenda_type_not_allowed',
        bit === 0 ? `addenda type code "${line.slice(1, 3)}" is not a NACHA addenda type` : `addenda type ${line.slice(1, 3)} is not allowed in a ${entry.batch.secCode || 'this'} batch`,
      );
      if (bit === 0) return;
    }

    const ctx = this.ctx;
    switch (type) {
      case 2:
        entry.addenda.push(parseAddenda02(line, lineNo, ctx));
        break;
      case 5: {
        const addenda = parseAddenda05(line, lineNo, ctx);
        entry.addenda.push(addenda);
        (this.paymentInfo ??= []).push(addenda.paymentRelatedInformation);
        this.checkSequence(lineNo, record, addenda.sequenceNumber, ++this.seq05, this.last05, addenda.entryDetailSequenceNumber);
        if (addenda.sequenceNumber >= 0) this.last05 = addenda.sequenceNumber;
        break;
      }
      case 98: {
        const addenda = parseAddenda98(line, lineNo, ctx);
        entry.addenda.push(addenda);
        entry.isNotificationOfChange = true;
        entry.changeCode ??= addenda.changeCode;
        break;
      }
      case 99: {
        const addenda = parseAddenda99(line, lineNo, ctx);
        entry.addenda.push(addenda);
        entry.isReturn = true;
        entry.returnReasonCode ??= addenda.returnReasonCode;
        break;
      }
      default:
        this.addIat(type, line, lineNo, record, entry);
    }
  }

  /** Closes the pending entry: checks what depends on all its addenda, then classifies it. */
  finish(): NachaEntry | null {
    const entry = this.entry;
    if (entry === null) return null;
    this.entry = null;
    const { report, warn } = this.ctx;
    const count = this.count;
    if (this.indicatorValid) {
      if (entry.addendaRecordIndicator === 0 && count > 0) {
        report(entry.line, 'entry_detail', 'addenda_record_indicator', 'addenda_indicator_mismatch', `addenda record indicator is 0 but ${count} addenda record(s) follow`);
      } else if (entry.addendaRecordIndicator === 1 && count === 0 && this.variant !== 'iat') {
        // Nothing is lost: an entry without addenda reads the same whatever the indicator says.
        warn(entry.line, 'entry_detail', 'addenda_record_indicator', 'addenda_indicator_without_addenda', 'addenda record indicator is 1 but no addenda record follows');
      }
    }
    if (this.declaredAddenda >= 0 && this.declaredAddenda !== count) {
      report(entry.line, 'entry_detail', 'number_of_addenda_records', 'addenda_count_mismatch', `the entry says ${this.declaredAddenda} addenda records follow, ${count} do`);
    }
    // An IAT notification of change answers with an addenda 98, not the seven IAT addenda (moov-io/ach
    // reads IAT corrections without them).
    if (this.variant === 'iat' && this.iatSeen !== 0b1111111 && !entry.isNotificationOfChange) {
      const missing: number[] = [];
      for (let type = 10; type <= 16; type++) if ((this.iatSeen & (1 << (type - 10))) === 0) missing.push(type);
      report(entry.line, 'entry_detail', 'addenda_record_indicator', 'missing_iat_addenda', `IAT entry lacks mandatory addenda ${missing.join(', ')}`);
    }
    if (this.paymentInfo !== null) entry.paymentRelatedInformation = this.paymentInfo.join('\n');
    entry.isMonetary = !entry.isNotificationOfChange && !entry.isPrenote && !entry.isZeroAmount;
    return entry;
  }

  private addIat(type: number, line: string, lineNo: number, record: NachaRecordName, entry: NachaEntry): void {
    const addenda = parseIatAddenda(type, line, lineNo, this.ctx);
    entry.addenda.push(addenda);
    // moov-io/ach files each addenda in its slot whatever the order, so order is a warning; a missing
    // mandatory addenda (reported by finish) is an error.
    if (type <= 16) {
      if (type !== this.iatNext) this.warnIatOrder(lineNo, record, `addenda ${type} where addenda ${this.iatNext <= 16 ? this.iatNext : '17 or 18'} was expected`);
      this.iatNext = type + 1;
      this.iatSeen |= 1 << (type - 10);
    } else if (this.iatSeen !== 0b1111111) {
      this.warnIatOrder(lineNo, record, `addenda ${type} before all of the mandatory addenda 10-16`);
    }
    switch (addenda.type) {
      case '10':
        entry.individualName = addenda.name;
        this.checkSequence(lineNo, record, -1, -1, -1, addenda.entryDetailSequenceNumber);
        break;
      case '11':
        entry.originatorName = addenda.originatorName;
        this.checkSequence(lineNo, record, -1, -1, -1, addenda.entryDetailSequenceNumber);
        break;
      case '15':
        entry.individualIdentification = addenda.receiverIdentificationNumber;
        this.checkSequence(lineNo, record, -1, -1, -1, addenda.entryDetailSequenceNumber);
        break;
      case '17':
        (this.paymentInfo ??= []).push(addenda.paymentRelatedInformation);
        this.checkSequence(lineNo, record, addenda.sequenceNumber, ++this.seq17, this.last17, addenda.entryDetailSequenceNumber);
        if (addenda.sequenceNumber >= 0) this.last17 = addenda.sequenceNumber;
        if (this.seq17 === 3) this.ctx.report(lineNo, record, 'addenda_type_code', 'too_many_addenda', 'an IAT entry carries at most two addenda 17; this is the third');
        break;
      case '18':
        this.checkSequence(lineNo, record, addenda.sequenceNumber, ++this.seq18, this.last18, addenda.entryDetailSequenceNumber);
        if (addenda.sequenceNumber >= 0) this.last18 = addenda.sequenceNumber;
        if (this.seq18 === 6) this.ctx.report(lineNo, record, 'addenda_type_code', 'too_many_addenda', 'an IAT entry carries at most five addenda 18; this is the sixth');
        break;
      default:
        this.checkSequence(lineNo, record, -1, -1, -1, addenda.entryDetailSequenceNumber);
    }
  }

  private warnIatOrder(lineNo: number, record: NachaRecordName, what: string): void {
    if (this.iatOrderReported) return;
    this.iatOrderReported = true;
    this.ctx.warn(lineNo, record, 'addenda_type_code', 'iat_addenda_order', `IAT entries carry addenda 10 to 16 in order, then 17/18; found ${what}`);
  }

  /**
   * NACHA numbers addenda 1, 2, ... (per type for 17 and 18). A number that goes down is an error (the
   * records may belong to another entry or be out of order); one that only skips or repeats is a warning,
   * as moov-io/ach accepts it. The entry detail sequence number must repeat the entry's trace.
   */
  private checkSequence(lineNo: number, record: NachaRecordName, sequence: number, expected: number, previous: number, entrySequence: number): void {
    if (expected > 0 && sequence >= 0) {
      if (sequence < previous) {
        this.ctx.report(lineNo, record, 'addenda_sequence_number', 'addenda_sequence', `addenda sequence number ${sequence} goes down after ${previous}`);
      } else if (sequence !== expected) {
        this.ctx.warn(lineNo, record, 'addenda_sequence_number', 'addenda_sequence_gap', `addenda sequence number is ${sequence}, NACHA numbers this addenda ${expected}`);
      }
    }
    if (entrySequence >= 0 && this.traceSequence >= 0 && entrySequence !== this.traceSequence) {
      this.ctx.report(lineNo, record, 'entry_detail_sequence_number', 'addenda_sequence', `entry detail sequence number ${entrySequence} is not the last seven digits of the entry's trace number (${this.traceSequence})`);
    }
  }
}
