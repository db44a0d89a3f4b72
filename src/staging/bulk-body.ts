import { Type, type Static } from 'typebox';
import type { StagedItem } from '../engine/segment-codec.js';
import type { OnConflict } from '../bulk/bulk-request.table.js';
import { requestHash } from '../bulk/idempotency.js';
import { AppError } from '../errors/app-error.js';
import { parseJsonBody } from '../http/json-text.js';
import { validatorCompiler } from '../http/validation.js';
import { isPossibleStreamKey } from '../records/validate-record.js';
import { encodeSubmittedRecord } from '../records/staged-record.js';

export const MAX_BULK_RECORDS = 1000;

/**
 * The body of `POST /v1/records/bulk`. Fastify does not validate it (the route takes the raw bytes): this
 * module does, with the same validator Fastify would have used, so errors read the same either way.
 */
export const BulkBody = Type.Object({
  records: Type.Array(Type.Unknown({ description: 'A record as for POST /records; each is validated on its own, problems become failed results' }), {
    minItems: 1,
    maxItems: MAX_BULK_RECORDS,
  }),
  on_conflict: Type.Optional(
    Type.Enum(['skip', 'error'] as const, {
      default: 'skip',
      description: 'skip: an existing external_id is skipped and counted; error: it is a failed result',
    }),
  ),
  dry_run: Type.Optional(Type.Boolean({ description: 'Validate and report what would happen, writing no records' })),
});
type BulkBodyValue = Static<typeof BulkBody>;

const validate = validatorCompiler({ schema: BulkBody as never, httpPart: 'body', method: 'POST', url: '/v1/records/bulk' }) as ((value: unknown) => boolean) & {
  errors?: unknown[] | null;
};

/** A body that is JSON but not of the route's shape: the error handler reads it as Fastify's own validation error. */
export class BodyValidationError extends Error {
  readonly statusCode = 400;
  readonly validationContext = 'body';
  constructor(readonly validation: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>) {
    super('body is invalid');
    this.name = 'BodyValidationError';
  }
}

/** What a bulk body stages: everything the transaction needs, computed before it opens. */
export interface ReadBulkBody {
  onConflict: OnConflict;
  dryRun: boolean;
  /** The idempotency hash of what the body means, when the request carries a key. */
  hash: string | null;
  /** The one stream every item names, if they all name the same one (SPEC 15: `data_stream_id`). */
  streamKey: string | undefined;
  /** The distinct stream keys the items name, for a request that names several. */
  streamKeys: string[];
  items: StagedItem[];
}

function keyOf(record: unknown): unknown {
  return record !== null && typeof record === 'object' ? (record as { data_stream_key?: unknown }).data_stream_key : undefined;
}

function commonStreamKey(records: unknown[]): string | undefined {
  let key: string | undefined;
  for (const record of records) {
    const k = keyOf(record);
    if (typeof k !== 'string') return undefined;
    if (key === undefined) key = k;
    else if (key !== k) return undefined;
  }
  return key;
}

function streamKeysOf(records: unknown[]): string[] {
  const keys = new Set<string>();
  for (const record of records) {
    const k = keyOf(record);
    // A key that cannot name a stream (NUL, too long) is left out: PostgreSQL cannot compare NUL.
    if (typeof k === 'string' && isPossibleStreamKey(k)) keys.add(k);
  }
  return [...keys];
}

/**
 * Reads a raw bulk body: JSON (json-text.ts), then its shape. Items are not validated here: each is
 * validated when the engine processes it, and its problems become failed results (SPEC 4). `queryDryRun` is
 * the `?dry_run=` of the URL, which the body's own `dry_run` overrides.
 */
export function readBulkBody(raw: Buffer, options: BulkBodyOptions): ReadBulkBody {
  return bulkBodyOf(parseJsonBody(raw), options);
}

export interface BulkBodyOptions {
  queryDryRun: boolean | undefined;
  idempotent: boolean;
}

/** The same for a body another content type's parser made (a `text/plain` string): its shape is checked alike. */
export function bulkBodyOf(value: unknown, options: BulkBodyOptions): ReadBulkBody {
  if (!validate(value)) {
    // The contract answers a bad on_conflict with 400, every other shape problem with 422.
    const onConflict = value !== null && typeof value === 'object' ? (value as { on_conflict?: unknown }).on_conflict : undefined;
    if (onConflict !== undefined && onConflict !== 'skip' && onConflict !== 'error') throw new AppError('invalid_on_conflict');
    throw new BodyValidationError((validate.errors ?? []) as BodyValidationError['validation']);
  }
  const body = value as BulkBodyValue;
  const onConflict: OnConflict = body.on_conflict ?? 'skip';
  const dryRun = body.dry_run ?? options.queryDryRun ?? false;
  const hash = options.idempotent ? requestHash({ records: body.records, on_conflict: onConflict, dry_run: dryRun }) : null;
  const streamKey = commonStreamKey(body.records);
  return {
    onConflict,
    dryRun,
    hash,
    streamKey,
    streamKeys: streamKey === undefined ? streamKeysOf(body.records) : [],
    items: body.records.map((record, index) => ({ index, rowNumber: null, payload: encodeSubmittedRecord(record) })),
  };
}
