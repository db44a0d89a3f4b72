import { Type } from 'typebox';
import { NO_NUL, Timestamp } from '../http/schemas.js';
import { iso } from '../http/pagination.js';
import type { DataStreamRow } from './data-stream.repository.js';

export const STREAM_KEY_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

export const DataStream = Type.Object(
  {
    id: Type.Integer({ description: 'Unique numeric identifier' }),
    key: Type.String({ description: 'Unique immutable identifier' }),
    name: Type.String({ description: 'Human readable name' }),
    description: Type.Optional(Type.String({ description: 'Optional description; absent when none was given' })),
    type: Type.String({ description: 'The type of data stream (api)' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'DataStream' },
);

export const CreateDataStreamBody = Type.Object({
  key: Type.String({ description: 'Unique immutable identifier: 1-64 of A-Z a-z 0-9 _ . : -' }),
  name: Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL }),
  description: Type.Optional(Type.String({ maxLength: 1000, pattern: NO_NUL })),
  type: Type.Optional(Type.Union([Type.Literal('api'), Type.Literal('bank_feed')], { default: 'api' })),
  bank_account_id: Type.Optional(Type.String()),
});

export const UpdateDataStreamBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 1000, pattern: NO_NUL }), Type.Null()])),
});

export function serializeStream(row: DataStreamRow) {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    type: row.type,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
