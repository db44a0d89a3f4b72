import {
  entryToRecordFields,
  formatDecimal,
  parseCamt053Stream,
  type Camt053Error,
  type Camt053Result,
  type Camt053StatementSummary,
  type Camt053Warning,
} from '../formats/camt053/index.js';
import type { FileError, FormatHandler } from './format.js';
import { encodeStagedRecord } from '../records/staged-record.js';

const toFileError = (e: Camt053Error | Camt053Warning): FileError => ({
  line: e.line,
  field: e.path,
  code: e.code,
  message: `${e.message} (line ${e.line}, column ${e.column})`,
});

/** Warnings kept in `source_details` (the count says how many there were), as for NACHA. */
const MAX_WARNINGS = 100;

function statementDetails(s: Camt053StatementSummary) {
  return {
    index: s.index,
    id: s.id,
    electronic_sequence: s.electronicSequence,
    legal_sequence: s.legalSequence,
    created_at: s.createdAt,
    account_last4: s.accountLast4,
    account_currency: s.accountCurrency,
    // Decimal text exactly as the file's values add up, whatever the currency's minor unit.
    balances: s.balances.map((b) => ({ type: b.type, amount: formatDecimal(b.amount.value), currency: b.amount.currency, credit_debit: b.direction, date: b.date })),
    entry_count: s.entryCount,
    booked_entry_count: s.bookedCount,
    excluded_entries: s.excluded,
    record_count: s.recordCount,
    booked_totals: Object.fromEntries(
      [...s.booked].map(([currency, t]) => [currency, { credit_count: t.creditCount, credit_sum: formatDecimal(t.credit), debit_count: t.debitCount, debit_sum: formatDecimal(t.debit) }]),
    ),
    balance_check: s.balanceCheck,
    ...(s.balanceCheckReason === null ? {} : { balance_check_reason: s.balanceCheckReason }),
  };
}

/** What the file says about itself, for `source_details`: a user checks the import against its balances. */
function sourceDetails(result: Camt053Result) {
  return {
    warnings: result.warnings.slice(0, MAX_WARNINGS).map(toFileError),
    warning_count: result.warningCount,
    camt053: {
      version: result.message?.version ?? null,
      message_id: result.message?.messageId ?? null,
      created_at: result.message?.createdAt ?? null,
      statement_count: result.statementCount,
      entry_count: result.entryCount,
      record_count: result.recordCount,
      statements: result.statements.map(statementDetails),
    },
  };
}

/**
 * camt.053 uploads: each booked entry (or each of its transaction details, when it is split) becomes an item,
 * the record it maps to (docs/camt053.md), staged as it is read. Balances are checked when a statement
 * closes, so the whole file is read before the request becomes pending; once an error is seen nothing more
 * is staged (the upload will fail anyway).
 */
export const camt053Handler: FormatHandler = {
  async ingest(body, ctx, sink) {
    let result: Camt053Result | undefined;
    let broken = false;
    const options = { strict: ctx.options.nacha.strict, maxWarnings: MAX_WARNINGS, maxTokenLength: ctx.limits.maxLineBytes };
    for await (const events of parseCamt053Stream(body, options)) {
      for (const event of events) {
        if (event.type === 'error') broken = true;
        else if (event.type === 'end') result = event.result;
        else if (event.type === 'entry' && !broken && event.entry.booked) {
          // row_number: the line of the entry, or of the detail a split entry's record comes from.
          const entry = event.entry;
          for (const [i, fields] of entryToRecordFields(entry).entries()) {
            const pending = sink.push(entry.split ? entry.details[i]!.line : entry.line, encodeStagedRecord(fields, ctx.dataStreamKey));
            if (pending) await pending;
          }
        }
      }
    }
    if (!result || !result.ok) {
      const errors = (result?.errors ?? []).map(toFileError);
      const first = errors[0];
      return {
        ok: false,
        message: first ? `The camt.053 file was rejected: ${first.field}: ${first.message}` : 'The camt.053 file was rejected.',
        errors: errors.length > 0 ? errors : [{ line: null, field: null, code: 'xml_malformed', message: 'The file could not be read.' }],
        errorCount: Math.max(1, result?.errorCount ?? 0),
      };
    }
    return { ok: true, sourceDetails: sourceDetails(result) };
  },
};
