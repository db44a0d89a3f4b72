// Addenda types 10-18: the IAT (international) addenda. Every IAT entry carries 10-16 in this order
// (receiver and originator names and addresses, the two DFIs), then up to two 17 (payment related
// information) and up to five 18 (foreign correspondent banks).

import type { Layout, FieldSpec } from '../fields.js';
import { digits, isDigits, text } from '../fields.js';
import type { NachaRecordName } from '../errors.js';
import type {
  NachaAddenda10,
  NachaAddenda11,
  NachaAddenda12,
  NachaAddenda13,
  NachaAddenda14,
  NachaAddenda15,
  NachaAddenda16,
  NachaAddenda17,
  NachaAddenda18,
} from '../types.js';
import type { RecordContext } from './context.js';

function head(type: string): Layout {
  return [
    { name: 'record_type', start: 1, end: 1, format: '"7"', description: 'Record type code' },
    { name: 'addenda_type_code', start: 2, end: 3, format: `"${type}"`, description: 'Addenda type code' },
  ];
}
const ENTRY_SEQUENCE: FieldSpec = { name: 'entry_detail_sequence_number', start: 88, end: 94, format: 'N', description: 'Last seven digits of the entry trace number; verified' };
const ADDENDA_SEQUENCE: FieldSpec = { name: 'addenda_sequence_number', start: 84, end: 87, format: 'N', description: 'Counts 1, 2, ... per addenda type; verified' };

export const IAT_ADDENDA_LAYOUTS: Readonly<Record<string, Layout>> = {
  '10': [
    ...head('10'),
    { name: 'transaction_type_code', start: 4, end: 6, format: 'AAA', description: 'e.g. ANN annuity, BUS business, SAL salary' },
    { name: 'foreign_payment_amount', start: 7, end: 24, format: 'N', description: 'Amount in the foreign currency, cents' },
    { name: 'foreign_trace_number', start: 25, end: 46, format: 'AN', description: 'Trace number from the foreign payment system' },
    { name: 'name', start: 47, end: 81, format: 'AN', description: 'Receiving company or individual name' },
    { name: 'reserved', start: 82, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '11': [
    ...head('11'),
    { name: 'originator_name', start: 4, end: 38, format: 'AN', description: 'Originator name' },
    { name: 'originator_street_address', start: 39, end: 73, format: 'AN', description: 'Originator street address' },
    { name: 'reserved', start: 74, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '12': [
    ...head('12'),
    { name: 'originator_city_state_province', start: 4, end: 38, format: 'AN', description: 'City and state or province, separated by an asterisk and ended by a backslash' },
    { name: 'originator_country_postal_code', start: 39, end: 73, format: 'AN', description: 'Country and postal code, separated by an asterisk and ended by a backslash' },
    { name: 'reserved', start: 74, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '13': [
    ...head('13'),
    { name: 'odfi_name', start: 4, end: 38, format: 'AN', description: 'Originating DFI name' },
    { name: 'odfi_id_number_qualifier', start: 39, end: 40, format: 'AN', description: '01 national clearing system, 02 BIC, 03 IBAN' },
    { name: 'odfi_identification', start: 41, end: 74, format: 'AN', description: 'Originating DFI identification' },
    { name: 'odfi_branch_country_code', start: 75, end: 77, format: 'AN', description: 'ISO 3166 country' },
    { name: 'reserved', start: 78, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '14': [
    ...head('14'),
    { name: 'rdfi_name', start: 4, end: 38, format: 'AN', description: 'Receiving DFI name' },
    { name: 'rdfi_id_number_qualifier', start: 39, end: 40, format: 'AN', description: '01 national clearing system, 02 BIC, 03 IBAN' },
    { name: 'rdfi_identification', start: 41, end: 74, format: 'AN', description: 'Receiving DFI identification' },
    { name: 'rdfi_branch_country_code', start: 75, end: 77, format: 'AN', description: 'ISO 3166 country' },
    { name: 'reserved', start: 78, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '15': [
    ...head('15'),
    { name: 'receiver_identification_number', start: 4, end: 18, format: 'AN', description: 'Receiver identification number' },
    { name: 'receiver_street_address', start: 19, end: 53, format: 'AN', description: 'Receiver street address' },
    { name: 'reserved', start: 54, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '16': [
    ...head('16'),
    { name: 'receiver_city_state_province', start: 4, end: 38, format: 'AN', description: 'City and state or province, separated by an asterisk and ended by a backslash' },
    { name: 'receiver_country_postal_code', start: 39, end: 73, format: 'AN', description: 'Country and postal code, separated by an asterisk and ended by a backslash' },
    { name: 'reserved', start: 74, end: 87, format: 'blank', description: 'Reserved' },
    ENTRY_SEQUENCE,
  ],
  '17': [
    ...head('17'),
    { name: 'payment_related_information', start: 4, end: 83, format: 'AN', description: 'Remittance information' },
    ADDENDA_SEQUENCE,
    ENTRY_SEQUENCE,
  ],
  '18': [
    ...head('18'),
    { name: 'foreign_correspondent_bank_name', start: 4, end: 38, format: 'AN', description: 'Bank name' },
    { name: 'foreign_correspondent_bank_id_number_qualifier', start: 39, end: 40, format: 'AN', description: '01 national clearing system, 02 BIC, 03 IBAN' },
    { name: 'foreign_correspondent_bank_id_number', start: 41, end: 74, format: 'AN', description: 'Bank identification' },
    { name: 'foreign_correspondent_bank_branch_country_code', start: 75, end: 77, format: 'AN', description: 'ISO 3166 country' },
    { name: 'reserved', start: 78, end: 83, format: 'blank', description: 'Reserved' },
    ADDENDA_SEQUENCE,
    ENTRY_SEQUENCE,
  ],
};

export type IatAddenda =
  | NachaAddenda10
  | NachaAddenda11
  | NachaAddenda12
  | NachaAddenda13
  | NachaAddenda14
  | NachaAddenda15
  | NachaAddenda16
  | NachaAddenda17
  | NachaAddenda18;

function entrySequence(line: string, lineNo: number, record: NachaRecordName, ctx: RecordContext): number {
  const value = digits(line, 87, 94);
  if (value < 0) ctx.report(lineNo, record, 'entry_detail_sequence_number', 'invalid_numeric', 'entry detail sequence number (positions 88-94) must be seven digits');
  return value;
}

function addendaSequence(line: string, lineNo: number, record: NachaRecordName, ctx: RecordContext): number {
  const value = digits(line, 83, 87);
  if (value < 0) ctx.report(lineNo, record, 'addenda_sequence_number', 'invalid_numeric', 'addenda sequence number (positions 84-87) must be four digits');
  return value;
}

/** `typeCode` is 10-18 (checked by the caller). */
export function parseIatAddenda(typeCode: number, line: string, lineNo: number, ctx: RecordContext): IatAddenda {
  const record = `addenda_${typeCode}` as NachaRecordName;
  switch (typeCode) {
    case 10: {
      if (!isDigits(line, 6, 24)) ctx.report(lineNo, record, 'foreign_payment_amount', 'invalid_numeric', 'foreign payment amount (positions 7-24) must be digits');
      return {
        type: '10',
        line: lineNo,
        transactionTypeCode: text(line, 3, 6),
        foreignPaymentAmount: line.slice(6, 24),
        foreignTraceNumber: text(line, 24, 46),
        name: text(line, 46, 81),
        entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx),
      };
    }
    case 11:
      return { type: '11', line: lineNo, originatorName: text(line, 3, 38), originatorStreetAddress: text(line, 38, 73), entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx) };
    case 12:
      return { type: '12', line: lineNo, originatorCityStateProvince: text(line, 3, 38), originatorCountryPostalCode: text(line, 38, 73), entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx) };
    case 13:
      return {
        type: '13',
        line: lineNo,
        odfiName: text(line, 3, 38),
        odfiIdNumberQualifier: text(line, 38, 40),
        odfiIdentification: text(line, 40, 74),
        odfiBranchCountryCode: text(line, 74, 77),
        entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx),
      };
    case 14:
      return {
        type: '14',
        line: lineNo,
        rdfiName: text(line, 3, 38),
        rdfiIdNumberQualifier: text(line, 38, 40),
        rdfiIdentification: text(line, 40, 74),
        rdfiBranchCountryCode: text(line, 74, 77),
        entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx),
      };
    case 15:
      return { type: '15', line: lineNo, receiverIdentificationNumber: text(line, 3, 18), receiverStreetAddress: text(line, 18, 53), entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx) };
    case 16:
      return { type: '16', line: lineNo, receiverCityStateProvince: text(line, 3, 38), receiverCountryPostalCode: text(line, 38, 73), entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx) };
    case 17:
      return {
        type: '17',
        line: lineNo,
        paymentRelatedInformation: text(line, 3, 83),
        sequenceNumber: addendaSequence(line, lineNo, record, ctx),
        entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx),
      };
    default:
      return {
        type: '18',
        line: lineNo,
        foreignCorrespondentBankName: text(line, 3, 38),
        foreignCorrespondentBankIdNumberQualifier: text(line, 38, 40),
        foreignCorrespondentBankIdNumber: text(line, 40, 74),
        foreignCorrespondentBankBranchCountryCode: text(line, 74, 77),
        sequenceNumber: addendaSequence(line, lineNo, record, ctx),
        entryDetailSequenceNumber: entrySequence(line, lineNo, record, ctx),
      };
  }
}
