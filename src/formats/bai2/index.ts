// BAI2 (Cash Management Balance Reporting Specification, version 2) statements: streaming reader and
// validator, and the mapping of transaction details to Sluice records. docs/bai2.md describes layouts,
// validations, error codes and relaxations.

export { Bai2Parser, type Bai2Handlers } from './parser.js';
export { parseBai2, parseBai2Stream } from './stream.js';
export { bai2ExternalId, detailToRecordFields, type Bai2RecordFields } from './record-fields.js';
export { BAI2_ERROR_CODES, type Bai2Error, type Bai2ErrorCode, type Bai2RecordName } from './errors.js';
export { BAI2_RELAXATION_NAMES, DEFAULT_MAX_ERRORS, DEFAULT_MAX_LINE_LENGTH, type Bai2Options, type Bai2Relaxations } from './options.js';
export { exact } from './fields.js';
export { layoutMarkdown, type FieldSpec, type Layout } from './layout.js';
export { detailDirection } from './type-codes.js';
export type * from './types.js';

import { ACCOUNT_IDENTIFIER } from './records/account-identifier.js';
import { CONTINUATION } from './records/continuation.js';
import { FILE_HEADER } from './records/file-header.js';
import { GROUP_HEADER } from './records/group-header.js';
import { TRANSACTION_DETAIL } from './records/transaction-detail.js';
import { ACCOUNT_TRAILER, FILE_TRAILER, GROUP_TRAILER } from './records/trailers.js';

/** Every record layout, in file order (docs/bai2.md shows each). */
export const BAI2_LAYOUTS = [FILE_HEADER, GROUP_HEADER, ACCOUNT_IDENTIFIER, TRANSACTION_DETAIL, CONTINUATION, ACCOUNT_TRAILER, GROUP_TRAILER, FILE_TRAILER] as const;
