// ISO 20022 camt.053 bank statements: a streaming reader (saxes, no DOM), the balance and summary checks,
// and the mapping of booked entries to Sluice records. docs/camt053.md describes the mapping, the
// external_id construction, the checks and every error code.
//
// Upload side:  for await (const events of parseCamt053Stream(body, { strict })) ... entry -> entryToRecordFields
// Worker side:  decodeCamt053Item(item.payload) -> { ok: true, draft } | { ok: false, error }

export { Camt053Reader, MAX_DEPTH, MAX_LISTED_STATEMENTS, MAX_TRANSACTION_DETAILS, NAMESPACE_PREFIX, SUPPORTED_VERSIONS, last4, maskAccount } from './reader.js';
export { parseCamt053Stream, parseCamt053 } from './stream.js';
export { entryToRecordFields, camt053ExternalId, type Camt053RecordFields } from './record-fields.js';
export { decodeCamt053Item } from './item-decoder.js';
export { formatDecimal, parseDecimal, toMinorUnits } from './decimal.js';
export { CAMT053_ERROR_CODES, CAMT053_WARNING_CODES, type Camt053Error, type Camt053ErrorCode, type Camt053Warning, type Camt053WarningCode } from './errors.js';
export type * from './types.js';
