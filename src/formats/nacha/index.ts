// NACHA (ACH) files: streaming parser and validator, and the mapping of entries to Sluice records.
// docs/nacha.md describes layouts, validations, error codes and relaxations.

export { NachaParser } from './parser.js';
export { parseNachaStream } from './stream.js';
export { parseNacha, type NachaParseResult } from './parse-nacha.js';
export { entryToRecordFields, nachaExternalId, type NachaPerspective, type NachaRecordFields } from './record-fields.js';
export {
  NACHA_ERROR_CODES,
  NACHA_WARNING_CODES,
  type NachaError,
  type NachaErrorCode,
  type NachaRecordName,
  type NachaWarning,
  type NachaWarningCode,
} from './errors.js';
export { CHANGE_CODES, RETURN_REASON_CODES } from './reason-codes.js';
export {
  DEFAULT_MAX_ERRORS,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_WARNINGS,
  RELAXATION_NAMES,
  type NachaOptions,
  type NachaRelaxations,
} from './options.js';
export { SEC_CODES, type SecCode } from './sec-codes.js';
export type * from './types.js';
export { layoutMarkdown, NACHA_LAYOUTS, type FieldSpec, type Layout } from './layouts.js';
