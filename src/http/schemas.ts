import { Type, type Static, type TNull, type TSchema, type TUnion } from 'typebox';

// Building blocks shared by the route schemas. The route schemas are the single source of the OpenAPI
// document (/v1/openapi.json), so what is declared here is what clients are promised.

/** Any characters but NUL (U+0000), which PostgreSQL text cannot hold: a pattern for free-text fields. */
export const NO_NUL = '^[^\\u0000]*$';

/**
 * A value or null. For a primitive, `type: [T, 'null']` (OpenAPI 3.1 / JSON Schema 2020-12), not an
 * `anyOf`: fast-json-stringify writes a type list directly, but checks each `anyOf` against an ajv schema it
 * compiles on first use, which made the first answer of each route 40-250 ms slower than the next
 * (docs/performance.md §4). Anything else stays a union.
 */
export function Nullable<T extends TSchema>(schema: T): TUnion<[T, TNull]> {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && ['string', 'integer', 'number', 'boolean'].includes(type)) {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] }) as unknown as TUnion<[T, TNull]>;
  }
  return Type.Union([schema, Type.Null()]);
}

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC, with Z' });
export const NullableTimestamp = Nullable(Timestamp);
export const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

/** Path ids: integers, written as numeric strings in the URL. Anything else answers 404, as an unknown id would. */
export const IdParams = Type.Object({ id: Type.String({ description: 'Numeric id' }) });
export const StreamKeyParams = Type.Object({ key: Type.String({ description: 'The immutable data stream key' }) });

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, listed in docs/errors.md' }),
    message: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'Error', description: 'Every error answer has this shape.' },
);

/** The error answers every authenticated route can give. */
export const commonErrors = {
  401: ErrorResponse,
  404: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
} as const;

/**
 * Numbers in query strings are bounded to what both databases and JavaScript hold exactly: without a
 * maximum, `?offset=99999999999999999999` passes as 1e20 and fails in SQL (bigint out of range).
 */
export const Offset = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 });
export const QueryId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const CursorQuery = {
  cursor: Type.Optional(Type.String({ description: 'Opaque cursor from a previous next_cursor. Omit for the first page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  created_after: Type.Optional(Type.String({ format: 'date-time' })),
  created_before: Type.Optional(Type.String({ format: 'date-time' })),
};

export const CursorPage = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    next_cursor: Nullable(Type.String({ description: 'Pass back as cursor for the next page; null on the last page.' })),
    limit: Type.Integer(),
  });

export const OffsetPage = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    has_more: Type.Boolean(),
    offset: Type.Integer(),
  });
