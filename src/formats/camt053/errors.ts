// Every error and warning the camt.053 reader reports. Codes are stable snake_case identifiers; docs/camt053.md
// lists the same tables and test/camt053/docs.test.ts keeps them in sync.
//
// An error makes the file unusable: it is not well-formed XML, it is not a camt.053 statement of a version
// Sluice reads, an element Sluice relies on is missing or holds something it cannot interpret, or the
// statement does not add up (opening balance plus entries is not the closing balance). A warning leaves the
// data reliable but something could not be checked or mapped as usual; with `strict=true` a warning is
// reported as an error with the same code.
//
// Messages may quote element names, codes, counts and totals, but never an account identifier (IBAN or
// other): those are described, not echoed.

export const CAMT053_ERROR_CODES = {
  invalid_utf8: 'The file is not UTF-8 text (ISO 20022 messages are UTF-8).',
  xml_encoding_unsupported: 'The XML declaration names an encoding other than UTF-8 (or US-ASCII).',
  xml_malformed: 'The file is not well-formed XML (the parser\'s reason is in the message).',
  xml_truncated: 'The file ends before its root element is closed (cut off).',
  xml_dtd_forbidden: 'The file has a document type declaration (<!DOCTYPE ...>); DTDs, and with them entity definitions and external entities, are refused.',
  xml_token_too_long: 'A single piece of text, markup, comment or attribute is longer than the line limit (SLUICE_MAX_LINE_BYTES).',
  xml_too_deep: 'Elements are nested deeper than 64 levels.',
  wrong_namespace: 'The root element is not a camt.053 Document (urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN): another message, another namespace or none.',
  unsupported_version: 'A camt.053 version other than 001.02 to 001.08.',
  unexpected_namespace: 'An element inside the statement is in another XML namespace than the document\'s.',
  missing_element: 'An element Sluice needs is absent (GrpHdr/MsgId, Stmt, Stmt/Id, Stmt/Acct/Id, Ntry/Amt, Ntry/CdtDbtInd, Ntry/Sts, Bal/Tp, Bal/Amt, Bal/CdtDbtInd), or it comes after the elements that need it.',
  duplicate_element: 'An element that occurs once holds a second occurrence (two Amt in one Ntry...).',
  invalid_identifier: 'A message or statement identification is empty or longer than its 35 characters.',
  invalid_amount: 'An amount is not an ISO 20022 decimal (digits, an optional point and up to 5 fraction digits, no sign), or it exceeds 18 digits.',
  invalid_currency_code: 'An amount has no Ccy attribute, or it is not three letters A-Z.',
  invalid_code: 'A coded element holds a value outside its list (CdtDbtInd other than CRDT or DBIT, RvslInd other than true or false).',
  too_many_transaction_details: 'An entry carries more than 10,000 transaction details (TxDtls).',
  balance_mismatch: 'The opening booked balance plus the booked entries does not equal the closing booked balance.',
  summary_mismatch: 'The statement\'s transaction summary (TxsSummry) disagrees with its entries: a count, a sum or the net amount.',
  too_many_errors: '100 errors were reported; the reader stopped reading.',
} as const;

/** Deviations that leave the data reliable: reported as warnings, or as errors with `strict=true`. */
export const CAMT053_WARNING_CODES = {
  balance_not_checked: 'A statement\'s balances could not be checked against its entries: it has no opening (OPBD or PRCD) or no closing (CLBD) booked balance, or they are in different currencies, or an entry is in another currency than they are.',
  transaction_details_not_split: 'An entry carries several transaction details whose amounts do not add up to the entry in its currency (or one has none): the entry became one record.',
} as const;

export type Camt053ErrorCode = keyof typeof CAMT053_ERROR_CODES;
export type Camt053WarningCode = keyof typeof CAMT053_WARNING_CODES;

/** A located problem: the 1-based line and column where the element (or the text) that shows it starts. */
export interface Camt053Problem<C extends string = Camt053ErrorCode | Camt053WarningCode> {
  code: C;
  line: number;
  column: number;
  /** The element's path, with 1-based positions where it repeats: `Stmt[2]/Ntry[14]/Amt`. */
  path: string;
  message: string;
}

export type Camt053Error = Camt053Problem<Camt053ErrorCode>;
export type Camt053Warning = Camt053Problem<Camt053WarningCode>;
