// The comparisons that close a batch and a file: what the control record claims against what the
// header says (identity) and what the entries add up to (counts, entry hash, totals). Every field is
// compared, so one bad control record reports all its wrong fields at once.

import type { RecordContext } from './records/context.js';
import type { Tally } from './tally.js';
import type { NachaBatchControl, NachaBatchHeader, NachaFileControl } from './types.js';

export function compareBatchControl(ctx: RecordContext, header: NachaBatchHeader, control: NachaBatchControl, tally: Tally): void {
  const line = control.line;
  const mismatch = (field: string, message: string): void => ctx.report(line, 'batch_control', field, 'batch_control_mismatch', message);
  // -1 marks a field that was not numeric (already reported as such).
  if (control.serviceClassCode >= 0 && control.serviceClassCode !== header.serviceClassCode) {
    mismatch('service_class_code', `service class code ${control.serviceClassCode} differs from the batch header's ${header.serviceClassCode} (line ${header.line})`);
  }
  // ADV controls have no company identification. In IAT batches the header's field is the originator
  // identification, which generators leave out of the control or fill differently; moov-io/ach does not
  // compare it there either.
  if (header.secCode !== 'ADV' && header.secCode !== 'IAT' && control.companyIdentification !== header.companyIdentification) {
    mismatch('company_identification', `company identification "${control.companyIdentification}" differs from the batch header's "${header.companyIdentification}" (line ${header.line})`);
  }
  if (control.odfiIdentification !== header.odfiIdentification) {
    mismatch('odfi_identification', `ODFI identification ${control.odfiIdentification} differs from the batch header's ${header.odfiIdentification} (line ${header.line})`);
  }
  if (control.batchNumber >= 0 && control.batchNumber !== header.batchNumber) {
    mismatch('batch_number', `batch number ${control.batchNumber} differs from the batch header's ${header.batchNumber} (line ${header.line})`);
  }
  if (ctx.options.skipControlTotals) return;
  const records = tally.entryCount + tally.addendaCount;
  if (control.entryAddendaCount >= 0 && control.entryAddendaCount !== records) {
    mismatch('entry_addenda_count', `entry/addenda count is ${control.entryAddendaCount} but the batch holds ${records} (${tally.entryCount} entries, ${tally.addendaCount} addenda)`);
  }
  if (control.entryHash >= 0 && control.entryHash !== tally.entryHash) {
    mismatch('entry_hash', `entry hash is ${control.entryHash} but the entries' RDFI identifications add up to ${tally.entryHash}`);
  }
  if (control.totalDebitAmount >= 0n && control.totalDebitAmount !== tally.debitAmount) {
    mismatch('total_debit_entry_dollar_amount', `total debit amount is ${control.totalDebitAmount} cents but the debit entries add up to ${tally.debitAmount}`);
  }
  if (control.totalCreditAmount >= 0n && control.totalCreditAmount !== tally.creditAmount) {
    mismatch('total_credit_entry_dollar_amount', `total credit amount is ${control.totalCreditAmount} cents but the credit entries add up to ${tally.creditAmount}`);
  }
}

/** `recordCount` counts every record but padding, the file control included. */
export function compareFileControl(ctx: RecordContext, control: NachaFileControl, file: Tally, batchCount: number, recordCount: number): void {
  const line = control.line;
  const mismatch = (field: string, message: string): void => ctx.report(line, 'file_control', field, 'file_control_mismatch', message);
  if (control.batchCount >= 0 && control.batchCount !== batchCount) {
    mismatch('batch_count', `batch count is ${control.batchCount} but the file holds ${batchCount} batches`);
  }
  // Padding only fills the last block, so the count does not depend on whether it is present.
  const blocks = Math.ceil(recordCount / 10);
  if (control.blockCount >= 0 && control.blockCount !== blocks) {
    mismatch('block_count', `block count is ${control.blockCount} but ${recordCount} records make ${blocks} blocks of ten`);
  }
  const records = file.entryCount + file.addendaCount;
  if (control.entryAddendaCount >= 0 && control.entryAddendaCount !== records) {
    mismatch('entry_addenda_count', `entry/addenda count is ${control.entryAddendaCount} but the file holds ${records} (${file.entryCount} entries, ${file.addendaCount} addenda)`);
  }
  if (control.entryHash >= 0 && control.entryHash !== file.entryHash) {
    mismatch('entry_hash', `entry hash is ${control.entryHash} but the entries' RDFI identifications add up to ${file.entryHash}`);
  }
  if (control.totalDebitAmount >= 0n && control.totalDebitAmount !== file.debitAmount) {
    mismatch('total_debit_entry_dollar_amount', `total debit amount is ${control.totalDebitAmount} cents but the debit entries add up to ${file.debitAmount}`);
  }
  if (control.totalCreditAmount >= 0n && control.totalCreditAmount !== file.creditAmount) {
    mismatch('total_credit_entry_dollar_amount', `total credit amount is ${control.totalCreditAmount} cents but the credit entries add up to ${file.creditAmount}`);
  }
}
