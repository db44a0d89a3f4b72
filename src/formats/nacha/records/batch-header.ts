// Record type 5: Batch Header. Opens a batch: who originates it (company), what kind of entries it holds
// (SEC code, service class) and when they settle (effective entry date). IAT batches reuse positions
// 5-40 and 64-69 for foreign exchange data.

import type { Layout } from '../fields.js';
import { digits, INVALID_DATE, isBlank, isDigits, text, yymmdd } from '../fields.js';
import { isKnownSecCode } from '../sec-codes.js';
import type { NachaBatchHeader } from '../types.js';
import type { RecordContext } from './context.js';

const COMMON_HEAD: Layout = [
  { name: 'record_type', start: 1, end: 1, format: '"5"', description: 'Record type code' },
  { name: 'service_class_code', start: 2, end: 4, format: 'N', description: '200 mixed, 220 credits only, 225 debits only, 280 automated accounting advices (ADV)' },
];

const COMMON_TAIL: Layout = [
  { name: 'effective_entry_date', start: 70, end: 75, format: 'YYMMDD', description: 'Date the originator intends the entries to settle; blank or 000000 read as "none"' },
  { name: 'settlement_date', start: 76, end: 78, format: 'JJJ', description: 'Julian settlement day, inserted by the ACH operator; blank or digits' },
  { name: 'originator_status_code', start: 79, end: 79, format: '0, 1, 2', description: 'Originator status code' },
  { name: 'odfi_identification', start: 80, end: 87, format: 'TTTTAAAA', description: 'Originating DFI routing number without check digit (gateway operator for IAT)' },
  { name: 'batch_number', start: 88, end: 94, format: 'N', description: 'Batch number, ascending within the file' },
];

export const BATCH_HEADER_LAYOUT: Layout = [
  ...COMMON_HEAD,
  { name: 'company_name', start: 5, end: 20, format: 'AN', description: 'Originator name' },
  { name: 'company_discretionary_data', start: 21, end: 40, format: 'AN', description: 'For the originator\'s own use' },
  { name: 'company_identification', start: 41, end: 50, format: 'AN', description: 'Originator identification (often 1 + EIN); required' },
  { name: 'standard_entry_class_code', start: 51, end: 53, format: 'AAA', description: 'SEC code, e.g. PPD, CCD, CTX, IAT' },
  { name: 'company_entry_description', start: 54, end: 63, format: 'AN', description: 'Purpose of the entries, e.g. PAYROLL' },
  { name: 'company_descriptive_date', start: 64, end: 69, format: 'AN', description: 'Date for the receiver\'s information, free text' },
  ...COMMON_TAIL,
];

export const IAT_BATCH_HEADER_LAYOUT: Layout = [
  ...COMMON_HEAD,
  { name: 'iat_indicator', start: 5, end: 20, format: 'AN', description: 'IAT indicator, usually blank' },
  { name: 'foreign_exchange_indicator', start: 21, end: 22, format: 'FF, FV, VF', description: 'Fixed-to-fixed, fixed-to-variable or variable-to-fixed exchange' },
  { name: 'foreign_exchange_reference_indicator', start: 23, end: 23, format: '1, 2, 3', description: 'What the reference holds: 1 rate, 2 reference number, 3 blank' },
  { name: 'foreign_exchange_reference', start: 24, end: 38, format: 'AN', description: 'Exchange rate or reference' },
  { name: 'iso_destination_country_code', start: 39, end: 40, format: 'AA', description: 'ISO 3166 country of the receiver' },
  { name: 'company_identification', start: 41, end: 50, format: 'AN', description: 'Originator identification; required' },
  { name: 'standard_entry_class_code', start: 51, end: 53, format: '"IAT"', description: 'SEC code' },
  { name: 'company_entry_description', start: 54, end: 63, format: 'AN', description: 'Purpose of the entries' },
  { name: 'iso_originating_currency_code', start: 64, end: 66, format: 'AAA', description: 'ISO 4217 currency of the originator' },
  { name: 'iso_destination_currency_code', start: 67, end: 69, format: 'AAA', description: 'ISO 4217 currency of the receiver' },
  ...COMMON_TAIL,
];

const R = 'batch_header';

/**
 * IAT batches, and IAT notifications of change: SEC code COR with IATCOR in positions 5-20, which use the
 * IAT layouts for the header and its entries (moov-io/ach reads them so).
 */
export function isIatBatchHeader(line: string): boolean {
  const sec = line.slice(50, 53);
  return sec === 'IAT' || (sec === 'COR' && text(line, 4, 20) === 'IATCOR');
}

export function parseBatchHeader(line: string, lineNo: number, ctx: RecordContext): NachaBatchHeader {
  const { report } = ctx;
  const secCode = line.slice(50, 53);
  const isIat = isIatBatchHeader(line);

  const serviceClassCode = digits(line, 1, 4);
  if (serviceClassCode !== 200 && serviceClassCode !== 220 && serviceClassCode !== 225 && serviceClassCode !== 280) {
    report(lineNo, R, 'service_class_code', 'invalid_service_class', `service class code (positions 2-4) must be 200, 220, 225 or 280, got "${line.slice(1, 4)}"`);
  } else if ((serviceClassCode === 280) !== (secCode === 'ADV')) {
    report(lineNo, R, 'service_class_code', 'invalid_service_class', secCode === 'ADV' ? `ADV batches use service class 280, got ${serviceClassCode}` : `service class 280 is only for ADV batches, this one is "${secCode}"`);
  }
  if (!isKnownSecCode(secCode)) {
    report(lineNo, R, 'standard_entry_class_code', 'invalid_sec_code', `standard entry class code (positions 51-53) "${secCode}" is not one Sluice reads`);
  }
  if (isBlank(line, 40, 50)) {
    report(lineNo, R, 'company_identification', 'required_field', 'company identification (positions 41-50) is blank');
  }
  const effective = yymmdd(line, 69);
  if (effective === INVALID_DATE) {
    report(lineNo, R, 'effective_entry_date', 'invalid_date', `effective entry date (positions 70-75) must be a real YYMMDD date, blank or 000000; got "${line.slice(69, 75)}"`);
  }
  if (!isBlank(line, 75, 78) && !isDigits(line, 75, 78)) {
    report(lineNo, R, 'settlement_date', 'invalid_numeric', 'settlement date (positions 76-78) must be three digits or blank');
  }
  const status = line.charCodeAt(78);
  if (status < 48 || status > 50) {
    report(lineNo, R, 'originator_status_code', 'invalid_value', `originator status code (position 79) must be 0, 1 or 2, got "${line[78] ?? ''}"`);
  }
  if (!isDigits(line, 79, 87)) report(lineNo, R, 'odfi_identification', 'invalid_numeric', 'ODFI identification (positions 80-87) must be eight digits');
  const batchNumber = digits(line, 87, 94);
  if (batchNumber < 0) report(lineNo, R, 'batch_number', 'invalid_numeric', 'batch number (positions 88-94) must be seven digits');

  let iat: NachaBatchHeader['iat'] = null;
  if (isIat) {
    const fx = line.slice(20, 22);
    if (fx !== 'FF' && fx !== 'FV' && fx !== 'VF') {
      report(lineNo, R, 'foreign_exchange_indicator', 'invalid_value', `foreign exchange indicator (positions 21-22) must be FF, FV or VF, got "${fx}"`);
    }
    const fxRef = line.charCodeAt(22);
    if (fxRef < 49 || fxRef > 51) {
      report(lineNo, R, 'foreign_exchange_reference_indicator', 'invalid_value', 'foreign exchange reference indicator (position 23) must be 1, 2 or 3');
    }
    iat = {
      iatIndicator: text(line, 4, 20),
      foreignExchangeIndicator: fx,
      foreignExchangeReferenceIndicator: line.slice(22, 23),
      foreignExchangeReference: text(line, 23, 38),
      isoDestinationCountryCode: text(line, 38, 40),
      isoOriginatingCurrencyCode: text(line, 63, 66),
      isoDestinationCurrencyCode: text(line, 66, 69),
    };
  }

  return {
    line: lineNo,
    serviceClassCode,
    companyName: isIat ? '' : text(line, 4, 20),
    companyDiscretionaryData: isIat ? '' : text(line, 20, 40),
    companyIdentification: text(line, 40, 50),
    secCode,
    companyEntryDescription: text(line, 53, 63),
    companyDescriptiveDate: isIat ? '' : text(line, 63, 69),
    effectiveEntryDate: typeof effective === 'string' ? effective : null,
    effectiveEntryDateRaw: line.slice(69, 75),
    settlementDate: text(line, 75, 78),
    originatorStatusCode: line.slice(78, 79),
    odfiIdentification: line.slice(79, 87),
    batchNumber,
    iat,
  };
}
