// The BAI2 reader: a push parser that checks the structure (01 [02 [03 16* 49]* 98]* 99), every field,
// type code ranges, funds types and the account, group and file control totals and record counts, and
// reports every problem with its line, record and field. Details are handed out as they are read; the
// totals that validate them come at the end, so a caller stages details and commits only when the end
// result is ok. Memory is bounded: one line, one logical record and the totals of at most maxAccounts
// accounts are kept, whatever the file's size.

import type { RecordContext } from './records/context.js';
import { type Bai2Error, type Bai2ErrorCode, type Bai2RecordName } from './errors.js';
import { exact } from './fields.js';
import { resolveOptions, type Bai2Options, type ResolvedBai2Options } from './options.js';
import { readAccount } from './records/account-identifier.js';
import { readFileHeader } from './records/file-header.js';
import { readGroupHeader } from './records/group-header.js';
import { readDetail, textIndex } from './records/transaction-detail.js';
import { ACCOUNT_TRAILER, FILE_TRAILER, GROUP_TRAILER, readTrailer } from './records/trailers.js';
import { RecordSplitter, type RawRecord } from './record-splitter.js';
import type { Bai2Account, Bai2AccountTotals, Bai2Detail, Bai2FileHeader, Bai2GroupHeader, Bai2GroupTotals, Bai2Result } from './types.js';

export interface Bai2Handlers {
  fileHeader?(header: Bai2FileHeader): void;
  groupHeader?(group: Bai2GroupHeader): void;
  account?(account: Bai2Account): void;
  detail?(detail: Bai2Detail, file: Bai2FileHeader, group: Bai2GroupHeader, account: Bai2Account): void;
  error?(error: Bai2Error): void;
}

/** 03 items kept per account in the result: a balance report has a few dozen; the rest are counted and summed. */
export const MAX_SUMMARIES = 50;

const RECORD_NAMES: Record<string, Bai2RecordName> = {
  '01': 'file_header',
  '02': 'group_header',
  '03': 'account_identifier',
  '16': 'transaction_detail',
  '88': 'continuation',
  '49': 'account_trailer',
  '98': 'group_trailer',
  '99': 'file_trailer',
};

/** A record with its continuations, not yet read. */
interface Logical {
  code: string;
  line: number;
  body: string;
  continuations: string[];
  length: number;
}

interface OpenGroup {
  header: Bai2GroupHeader | null;
  line: number;
  number: number;
  records: number;
  accounts: number;
  /** Sum of the account control totals (as the 49s state them, else as computed). */
  sum: bigint;
}

interface OpenAccount {
  account: Bai2Account | null;
  line: number;
  records: number;
  /** Details read so far: the next one's 1-based position. */
  details: number;
  sum: bigint;
  totals: Bai2AccountTotals | null;
}

export class Bai2Parser {
  private readonly options: ResolvedBai2Options;
  private readonly splitter: RecordSplitter;
  private current: Logical | null = null;
  private file: Bai2FileHeader | null = null;
  private sawAnyRecord = false;
  private headless = false;
  private afterTrailer = false;
  private reportedAfterTrailer = false;
  private group: OpenGroup | null = null;
  private account: OpenAccount | null = null;
  /** A 03 read outside any group: its 16s and 49 are skipped without more errors. */
  private orphan = false;
  private fileRecords = 0;
  private fileSum = 0n;
  private groupNumber = 0;
  private errors: Bai2Error[] = [];
  private errorCount = 0;
  private stoppedEarly = false;
  private ended = false;
  private droppedRecord = false;
  private readonly result: Bai2Result = {
    ok: false,
    fileHeader: null,
    errors: [],
    errorCount: 0,
    stoppedEarly: false,
    groups: [],
    groupCount: 0,
    accounts: [],
    accountCount: 0,
    detailCount: 0,
    creditCount: 0,
    debitCount: 0,
    creditAmount: 0n,
    debitAmount: 0n,
    fileTrailer: null,
    recordCount: 0,
  };

  constructor(
    options: Bai2Options = {},
    private readonly handlers: Bai2Handlers = {},
  ) {
    this.options = resolveOptions(options);
    this.splitter = new RecordSplitter(this.options.maxLineLength, {
      record: (raw) => this.raw(raw),
      problem: (line, code, message) => this.report(line, 'line', 'record', code, message),
    });
  }

  /** True once maxErrors errors were reported: further input is ignored. */
  get stopped(): boolean {
    return this.stoppedEarly;
  }

  push(chunk: string): void {
    if (this.stoppedEarly || this.ended) return;
    this.splitter.push(chunk);
  }

  /** The result; calling it again returns the same result, and push() after it is ignored. */
  end(): Bai2Result {
    if (this.ended) return this.result;
    this.ended = true;
    if (!this.stoppedEarly) {
      this.splitter.end();
      this.flush();
      if (!this.sawAnyRecord && this.errorCount === 0) this.report(Math.max(1, this.splitter.lines), 'file', 'record', 'empty_file', 'the file holds no records');
      else if (this.file && !this.afterTrailer) {
        const line = Math.max(1, this.splitter.lines);
        if (this.account) this.missing('missing_account_trailer', line, 'the end of the file');
        if (this.group) this.missingGroup(line, 'the end of the file');
        this.report(line, 'file', 'record', 'missing_file_trailer', 'the file ends without a file trailer (99): it is truncated');
      }
    }
    const r = this.result;
    r.fileHeader = this.file;
    r.errors = this.errors;
    r.errorCount = this.errorCount;
    r.stoppedEarly = this.stoppedEarly;
    r.recordCount = this.fileRecords;
    r.ok = this.errorCount === 0 && this.file !== null;
    return r;
  }

  private report(line: number, record: Bai2RecordName, field: string, code: Bai2ErrorCode, message: string): void {
    if (this.stoppedEarly) return;
    const error: Bai2Error = { line, record, field, code, message };
    this.errorCount++;
    this.errors.push(error);
    this.handlers.error?.(error);
    if (this.errorCount >= this.options.maxErrors) {
      const stop: Bai2Error = { line, record: 'file', field: 'record', code: 'too_many_errors', message: `${this.options.maxErrors} errors; the reader stopped` };
      this.errors.push(stop);
      this.errorCount++;
      this.handlers.error?.(stop);
      this.stoppedEarly = true;
    }
  }

  private readonly reportFn = (line: number, record: Bai2RecordName, field: string, code: Bai2ErrorCode, message: string) => this.report(line, record, field, code, message);

  private raw(raw: RawRecord): void {
    if (this.stoppedEarly) return;
    this.sawAnyRecord = true;
    if (!raw.terminated && !this.options.allowMissingSlash) {
      this.report(raw.line, RECORD_NAMES[raw.code]!, 'record', 'missing_terminator', `the ${raw.code} record on line ${raw.line} does not end with "/"`);
    }
    if (raw.code === '88') {
      // The continuations of a record dropped for its length go with it, unreported.
      if (this.droppedRecord) return;
      if (!this.current) {
        this.report(raw.line, 'continuation', 'record', 'continuation_without_record', 'a continuation (88) with no record before it to continue');
        return;
      }
      this.current.continuations.push(raw.body);
      this.current.length += raw.body.length + 1;
      if (this.current.length > this.options.maxLineLength) {
        this.report(this.current.line, 'line', 'record', 'line_too_long', `the ${this.current.code} record on line ${this.current.line} with its continuations is longer than ${this.options.maxLineLength} characters; it was skipped`);
        this.current = null;
        this.droppedRecord = true;
      }
      return;
    }
    this.droppedRecord = false;
    this.flush();
    this.current = { code: raw.code, line: raw.line, body: raw.body, continuations: [], length: raw.body.length };
  }

  /** Reads the record being assembled, now that the next record shows it has no more continuations. */
  private flush(): void {
    const rec = this.current;
    if (!rec) return;
    this.current = null;
    const records = 1 + rec.continuations.length;
    if (this.afterTrailer) {
      if (!this.reportedAfterTrailer) this.report(rec.line, RECORD_NAMES[rec.code]!, 'record', 'record_after_file_trailer', 'records follow the file trailer (99)');
      this.reportedAfterTrailer = true;
      return;
    }
    if (!this.file) {
      if (rec.code !== '01') {
        if (!this.headless) this.report(rec.line, RECORD_NAMES[rec.code]!, 'record', 'missing_file_header', `the file must start with a file header (01); it starts with a ${rec.code} record`);
        this.headless = true;
        return;
      }
    } else if (rec.code === '01') {
      this.report(rec.line, 'file_header', 'record', 'duplicate_file_header', 'a second file header (01)');
      return;
    }
    if (this.headless) return;
    this.fileRecords += records;
    if (this.group) this.group.records += records;
    if (this.account && (rec.code === '16' || rec.code === '49')) this.account.records += records;
    const ctx = { line: rec.line, report: this.reportFn };
    switch (rec.code) {
      case '01': {
        const header = readFileHeader(this.joined(rec), ctx);
        if (!header) {
          this.headless = true;
          return;
        }
        this.file = header;
        if (header.physicalRecordLength && !this.options.ignoreRecordLength) this.splitter.recordLength = header.physicalRecordLength;
        this.handlers.fileHeader?.(header);
        return;
      }
      case '02':
        return this.groupHeader(rec, records, ctx);
      case '03':
        return this.accountIdentifier(rec, records, ctx);
      case '16':
        return this.detail(rec, ctx);
      case '49':
        return this.accountTrailer(rec, ctx);
      case '98':
        return this.groupTrailer(rec, ctx);
      case '99':
        return this.fileTrailer(rec, ctx);
    }
  }

  /** The fields of a record with its continuations: each 88 goes on where the record stopped. */
  private joined(rec: Logical): string[] {
    const body = rec.continuations.length === 0 ? rec.body : [rec.body, ...rec.continuations].join(',');
    return body.split(',');
  }

  private missing(code: 'missing_account_trailer', line: number, where: string): void {
    const open = this.account!;
    this.report(line, 'account_trailer', 'record', code, `the account opened on line ${open.line} has no account trailer (49) before ${where}`);
    this.closeAccount();
  }

  private missingGroup(line: number, where: string): void {
    const open = this.group!;
    this.report(line, 'group_trailer', 'record', 'missing_group_trailer', `the group opened on line ${open.line} has no group trailer (98) before ${where}`);
    this.group = null;
  }

  private groupHeader(rec: Logical, records: number, ctx: RecordContext): void {
    if (this.account) this.missing('missing_account_trailer', rec.line, `the group header on line ${rec.line}`);
    if (this.group) this.missingGroup(rec.line, `the group header on line ${rec.line}`);
    this.orphan = false;
    const number = ++this.groupNumber;
    const header = readGroupHeader(this.joined(rec), number, ctx);
    this.group = { header, line: rec.line, number, records, accounts: 0, sum: 0n };
    this.result.groupCount++;
    if (header) this.handlers.groupHeader?.(header);
  }

  private accountIdentifier(rec: Logical, records: number, ctx: RecordContext): void {
    if (this.account) this.missing('missing_account_trailer', rec.line, `the account identifier on line ${rec.line}`);
    if (!this.group) {
      this.report(rec.line, 'account_identifier', 'record', 'unexpected_record', 'an account identifier (03) outside a group: a group header (02) must come before it');
      this.orphan = true;
      return;
    }
    this.orphan = false;
    const group = this.group;
    group.accounts++;
    const read = group.header ? readAccount(this.joined(rec), group.header, group.accounts, ctx) : null;
    const account = read?.account ?? null;
    let totals: Bai2AccountTotals | null = null;
    if (account && this.result.accounts.length < this.options.maxAccounts) {
      totals = {
        accountLast4: account.accountLast4,
        currency: account.currency,
        groupNumber: group.number,
        accountNumber: account.number,
        summaries: account.summaries.slice(0, MAX_SUMMARIES).map((s) => ({ type_code: s.typeCode, amount: s.amount === null ? null : exact(s.amount), item_count: s.itemCount, funds_type: s.funds.code })),
        summaryCount: account.summaries.length,
        summaryTotal: read!.sum,
        detailCount: 0,
        creditCount: 0,
        debitCount: 0,
        creditAmount: 0n,
        debitAmount: 0n,
        controlTotal: null,
        recordCount: null,
      };
      this.result.accounts.push(totals);
    }
    this.result.accountCount++;
    this.account = { account, line: rec.line, records, details: 0, sum: read?.sum ?? 0n, totals };
    if (account) this.handlers.account?.(account);
  }

  private detail(rec: Logical, ctx: RecordContext): void {
    if (!this.account) {
      if (!this.orphan) this.report(rec.line, 'transaction_detail', 'record', 'unexpected_record', 'a transaction detail (16) outside an account: an account identifier (03) must come before it');
      return;
    }
    // The fields before the text may go on in the first continuations; once the text has begun, each
    // further continuation is more text.
    // Joining a continuation with a comma adds its fields to the record's: appended, not re-split, so a
    // long run of continuations costs linear time.
    let next = 0;
    const fields = rec.body.split(',');
    for (;;) {
      const at = textIndex(fields);
      if ((at >= 0 && fields.length > at) || next >= rec.continuations.length) break;
      for (const field of rec.continuations[next++]!.split(',')) fields.push(field);
    }
    const at = textIndex(fields);
    const pieces: string[] = [];
    if (at >= 0 && fields.length > at) pieces.push(fields.slice(at).join(','));
    for (; next < rec.continuations.length; next++) pieces.push(rec.continuations[next]!);
    const text = pieces.map((p) => p.trim()).filter((p) => p !== '').join(' ');
    const open = this.account;
    const detail = readDetail(fields, text, open.details + 1, ctx);
    if (!detail) return;
    open.details++;
    open.sum += BigInt(detail.amount);
    const r = this.result;
    r.detailCount++;
    if (detail.direction === 'credit') {
      r.creditCount++;
      r.creditAmount += BigInt(detail.amount);
    } else {
      r.debitCount++;
      r.debitAmount += BigInt(detail.amount);
    }
    const totals = open.totals;
    if (totals) {
      totals.detailCount++;
      if (detail.direction === 'credit') {
        totals.creditCount++;
        totals.creditAmount += BigInt(detail.amount);
      } else {
        totals.debitCount++;
        totals.debitAmount += BigInt(detail.amount);
      }
    }
    const group = this.group?.header;
    if (open.account && group && this.file) this.handlers.detail?.(detail, this.file, group, open.account);
  }

  private accountTrailer(rec: Logical, ctx: RecordContext): void {
    if (!this.account) {
      if (!this.orphan) this.report(rec.line, 'account_trailer', 'record', 'unexpected_record', 'an account trailer (49) with no account (03) open');
      this.orphan = false;
      return;
    }
    const open = this.account;
    const trailer = readTrailer(ACCOUNT_TRAILER, 'account_trailer', this.joined(rec), ctx);
    if (trailer) {
      if (open.totals) {
        open.totals.controlTotal = trailer.controlTotal;
        open.totals.recordCount = trailer.recordCount;
      }
      if (!this.options.skipControlTotals) {
        if (trailer.controlTotal !== open.sum) {
          this.report(rec.line, 'account_trailer', 'account_control_total', 'account_control_mismatch', `the account control total is ${trailer.controlTotal}; the account's amounts add up to ${open.sum}`);
        }
        if (trailer.recordCount !== open.records) {
          this.report(rec.line, 'account_trailer', 'number_of_records', 'account_control_mismatch', `the account trailer counts ${trailer.recordCount} records; the account has ${open.records}`);
        }
      }
    }
    if (this.group) this.group.sum += trailer ? trailer.controlTotal : open.sum;
    this.account = null;
  }

  private closeAccount(): void {
    if (this.group && this.account) this.group.sum += this.account.sum;
    this.account = null;
  }

  private groupTrailer(rec: Logical, ctx: RecordContext): void {
    if (this.account) this.missing('missing_account_trailer', rec.line, `the group trailer on line ${rec.line}`);
    this.orphan = false;
    if (!this.group) {
      this.report(rec.line, 'group_trailer', 'record', 'unexpected_record', 'a group trailer (98) with no group (02) open');
      return;
    }
    const group = this.group;
    const trailer = readTrailer(GROUP_TRAILER, 'group_trailer', this.joined(rec), ctx);
    if (trailer && !this.options.skipControlTotals) {
      if (trailer.controlTotal !== group.sum) {
        this.report(rec.line, 'group_trailer', 'group_control_total', 'group_control_mismatch', `the group control total is ${trailer.controlTotal}; its account control totals add up to ${group.sum}`);
      }
      if (trailer.count !== group.accounts) {
        this.report(rec.line, 'group_trailer', 'number_of_accounts', 'group_control_mismatch', `the group trailer counts ${trailer.count} accounts; the group has ${group.accounts}`);
      }
      if (trailer.recordCount !== group.records) {
        this.report(rec.line, 'group_trailer', 'number_of_records', 'group_control_mismatch', `the group trailer counts ${trailer.recordCount} records; the group has ${group.records}`);
      }
    }
    const header = group.header;
    if (header && this.result.groups.length < this.options.maxAccounts) {
      this.result.groups.push({
        number: group.number,
        originatorId: header.originatorId,
        ultimateReceiverId: header.ultimateReceiverId,
        groupStatus: header.groupStatus,
        asOfDate: header.asOfDate,
        currency: header.currency,
        accountCount: group.accounts,
        controlTotal: trailer?.controlTotal ?? null,
        recordCount: trailer?.recordCount ?? null,
      });
    }
    this.fileSum += trailer ? trailer.controlTotal : group.sum;
    this.group = null;
  }

  private fileTrailer(rec: Logical, ctx: RecordContext): void {
    if (this.account) this.missing('missing_account_trailer', rec.line, `the file trailer on line ${rec.line}`);
    if (this.group) {
      this.fileSum += this.group.sum;
      this.missingGroup(rec.line, `the file trailer on line ${rec.line}`);
    }
    this.afterTrailer = true;
    const trailer = readTrailer(FILE_TRAILER, 'file_trailer', this.joined(rec), ctx);
    if (!trailer) return;
    this.result.fileTrailer = { controlTotal: trailer.controlTotal, groupCount: trailer.count, recordCount: trailer.recordCount };
    if (this.options.skipControlTotals) return;
    if (trailer.controlTotal !== this.fileSum) {
      this.report(rec.line, 'file_trailer', 'file_control_total', 'file_control_mismatch', `the file control total is ${trailer.controlTotal}; the group control totals add up to ${this.fileSum}`);
    }
    if (trailer.count !== this.result.groupCount) {
      this.report(rec.line, 'file_trailer', 'number_of_groups', 'file_control_mismatch', `the file trailer counts ${trailer.count} groups; the file has ${this.result.groupCount}`);
    }
    if (trailer.recordCount !== this.fileRecords) {
      this.report(rec.line, 'file_trailer', 'number_of_records', 'file_control_mismatch', `the file trailer counts ${trailer.recordCount} records; the file has ${this.fileRecords}`);
    }
  }
}

