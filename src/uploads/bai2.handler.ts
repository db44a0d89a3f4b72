import {
  detailToRecordFields,
  exact,
  parseBai2Stream,
  type Bai2Error,
  type Bai2Result,
} from '../formats/bai2/index.js';
import type { FileError, FormatHandler } from './format.js';
import { rejectedFile } from './rejected-file.js';
import { encodeStagedRecord } from '../records/staged-record.js';

const toFileError = (e: Bai2Error): FileError => ({ line: e.line, field: `${e.record}.${e.field}`, code: e.code, message: e.message });

/** Accounts (and groups) whose balances `source_details` lists; all are counted. */
const MAX_ACCOUNTS_LISTED = 200;

/** What the file says about itself, for `source_details`: balances and control totals to check the import against. */
function sourceDetails(result: Bai2Result) {
  const header = result.fileHeader!;
  return {
    bai2: {
      sender_id: header.senderId,
      receiver_id: header.receiverId,
      file_creation_date: header.creationDate,
      file_creation_time: header.creationTime,
      file_id: header.fileId,
      group_count: result.groupCount,
      account_count: result.accountCount,
      record_count: result.recordCount,
      file_control: result.fileTrailer
        ? {
            control_total: result.fileTrailer.controlTotal === null ? null : exact(result.fileTrailer.controlTotal),
            number_of_groups: result.fileTrailer.groupCount,
            number_of_records: result.fileTrailer.recordCount,
          }
        : null,
      details: {
        count: result.detailCount,
        credit_count: result.creditCount,
        debit_count: result.debitCount,
        credit_amount: exact(result.creditAmount),
        debit_amount: exact(result.debitAmount),
      },
      groups: result.groups.map((g) => ({
        group_sequence: g.number,
        originator_id: g.originatorId,
        ultimate_receiver_id: g.ultimateReceiverId,
        group_status: g.groupStatus,
        as_of_date: g.asOfDate,
        currency: g.currency,
        account_count: g.accountCount,
        control_total: g.controlTotal === null ? null : exact(g.controlTotal),
        number_of_records: g.recordCount,
      })),
      // The balances (03 status and summary items) of each account, its last four characters only.
      accounts: result.accounts.map((a) => ({
        group_sequence: a.groupNumber,
        account_sequence: a.accountNumber,
        account_last4: a.accountLast4,
        currency: a.currency,
        summaries: a.summaries,
        summary_count: a.summaryCount,
        summary_total: exact(a.summaryTotal),
        detail_count: a.detailCount,
        credit_count: a.creditCount,
        debit_count: a.debitCount,
        credit_amount: exact(a.creditAmount),
        debit_amount: exact(a.debitAmount),
        control_total: a.controlTotal === null ? null : exact(a.controlTotal),
        number_of_records: a.recordCount,
      })),
      accounts_listed: result.accounts.length,
    },
  };
}

/**
 * BAI2 uploads: each transaction detail (16) becomes an item, the JSON of the record it maps to
 * (docs/bai2.md), staged as it is read. Trailer control totals come only at the end, so the whole file is
 * checked before the request becomes pending; once an error is seen nothing more is staged.
 */
export const bai2Handler: FormatHandler = {
  async ingest(body, ctx, sink) {
    let result: Bai2Result | undefined;
    let broken = false;
    const relaxations = Object.fromEntries(ctx.options.bai2.relax.map((name) => [name, true]));
    const options = { ...relaxations, maxLineLength: ctx.limits.maxLineBytes, maxAccounts: MAX_ACCOUNTS_LISTED };
    for await (const events of parseBai2Stream(body, options)) {
      for (const event of events) {
        switch (event.type) {
          case 'error':
            broken = true;
            break;
          case 'detail': {
            if (broken) break;
            const fields = detailToRecordFields(event.detail, event.file, event.group, event.account);
            const pending = sink.push(event.detail.line, encodeStagedRecord(fields, ctx.dataStreamKey));
            if (pending) await pending;
            break;
          }
          case 'end':
            result = event.result;
            break;
        }
      }
    }
    if (!result || !result.ok || !result.fileHeader) {
      return rejectedFile('BAI2', (result?.errors ?? []).map(toFileError), result?.errorCount ?? 0, {
        line: 1,
        field: 'file_header.record',
        code: 'missing_file_header',
        message: 'No file header record.',
        summary: 'it has no file header.',
      });
    }
    return { ok: true, sourceDetails: sourceDetails(result) };
  },
};
