import {
  entryToRecordFields,
  parseNachaStream,
  type NachaError,
  type NachaFileHeader,
  type NachaResult,
  type NachaTotals,
  type NachaWarning,
} from '../formats/nacha/index.js';
import type { FileError, FormatHandler } from './format.js';
import { rejectedFile } from './rejected-file.js';
import { encodeStagedRecord } from '../records/staged-record.js';

const toFileError = (e: NachaError | NachaWarning): FileError => ({ line: e.line, field: `${e.record}.${e.field}`, code: e.code, message: e.message });

/** Warnings kept in `source_details` (the count says how many there were), as for file errors. */
const MAX_WARNINGS = 100;

/** Control totals can exceed 2^53 in theory (an ADV file's 20-digit fields): JSON numbers only when exact. */
const exact = (value: bigint): number | string => (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString());

function totals(t: NachaTotals) {
  return {
    entry_count: t.entryCount,
    addenda_count: t.addendaCount,
    debit_count: t.debitCount,
    credit_count: t.creditCount,
    debit_amount: exact(t.debitAmount),
    credit_amount: exact(t.creditAmount),
  };
}

/** What the file says about itself, for `source_details`: a user checks the import against these. */
function sourceDetails(result: NachaResult) {
  const header = result.fileHeader as NachaFileHeader;
  const control = result.fileControl;
  return {
    warnings: result.warnings.slice(0, MAX_WARNINGS).map(toFileError),
    warning_count: result.warningCount,
    nacha: {
      immediate_origin: header.immediateOrigin,
      immediate_origin_name: header.immediateOriginName,
      immediate_destination: header.immediateDestination,
      immediate_destination_name: header.immediateDestinationName,
      file_creation_date: header.fileCreationDate,
      file_creation_time: header.fileCreationTime,
      file_id_modifier: header.fileIdModifier,
      batch_count: result.batchCount,
      file_control: control
        ? {
            batch_count: control.batchCount,
            entry_addenda_count: control.entryAddendaCount,
            total_debit_amount: exact(control.totalDebitAmount),
            total_credit_amount: exact(control.totalCreditAmount),
          }
        : null,
      all_entries: totals(result.totals),
      monetary_entries: totals(result.monetary),
      excluded_entries: {
        prenote: result.excluded.prenote,
        zero_amount: result.excluded.zeroAmount,
        notification_of_change: result.excluded.notificationOfChange,
        total: result.excluded.total,
      },
    },
  };
}

/**
 * NACHA uploads: each monetary entry becomes an item (the record it maps to, SPEC §5), staged as it is
 * parsed. Batch and file controls are only known at the end, so the whole file is checked before the
 * request becomes pending; once an error is seen nothing more is staged (the upload will fail anyway).
 */
export const nachaHandler: FormatHandler = {
  async ingest(body, ctx, sink) {
    let header: NachaFileHeader | null = null;
    let result: NachaResult | undefined;
    let broken = false;
    const relaxations = Object.fromEntries(ctx.options.nacha.relax.map((name) => [name, true]));
    const options = { ...relaxations, strict: ctx.options.nacha.strict, maxWarnings: MAX_WARNINGS, maxLineLength: ctx.limits.maxLineBytes };
    for await (const events of parseNachaStream(body, options)) {
      for (const event of events) {
        switch (event.type) {
          case 'file_header':
            header = event.header;
            break;
          case 'error':
            broken = true;
            break;
          case 'entry': {
            if (broken || !header || !event.entry.isMonetary) break;
            const fields = entryToRecordFields(event.entry, header, { perspective: ctx.options.nacha.perspective });
            const pending = sink.push(event.entry.line, encodeStagedRecord(fields, ctx.dataStreamKey));
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
      return rejectedFile('NACHA', (result?.errors ?? []).map(toFileError), result?.errorCount ?? 0, {
        line: 1,
        field: 'file_header',
        code: 'missing_file_header',
        message: 'No file header record.',
        summary: 'it has no file header.',
      });
    }
    return { ok: true, sourceDetails: sourceDetails(result) };
  },
};
