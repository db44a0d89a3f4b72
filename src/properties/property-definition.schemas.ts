import { Type } from 'typebox';
import { iso } from '../http/pagination.js';
import { NO_NUL, Timestamp } from '../http/schemas.js';
import { StringEnum } from '../records/record.schemas.js';
import type { PropertyDefinitionRow } from './property-definition.repository.js';

const PropertyTypeSchema = StringEnum(['number', 'date', 'datetime', 'string', 'boolean'], {
  description: 'number: a JSON number; date: YYYY-MM-DD; datetime: RFC 3339 with a zone; string; boolean',
});


export const PropertyDefinition = Type.Object(
  {
    id: Type.Integer(),
    key: Type.String({ description: 'The top-level metadata key it governs' }),
    name: Type.String(),
    type: PropertyTypeSchema,
    optional: Type.Boolean({ description: 'false: every record of the stream must carry the key' }),
    data_stream_key: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'RecordPropertyDefinition' },
);

export const CreatePropertyDefinitionBody = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 255, pattern: NO_NUL, description: 'A top-level metadata key, matched exactly (no dotted paths)' }),
  name: Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL }),
  type: PropertyTypeSchema,
  optional: Type.Optional(Type.Boolean({ default: false })),
  data_stream_key: Type.String({ description: 'Must name an existing data stream' }),
});

export const UpdatePropertyDefinitionBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL })),
    optional: Type.Optional(Type.Boolean()),
  },
  { description: 'key, type and data_stream_key cannot be changed (422 immutable_field): delete and re-create instead.' },
);

export const ListPropertyDefinitionsQuery = Type.Object({
  data_stream_key: Type.String({ description: 'An unknown key answers 404 data_stream_not_found' }),
});

export function serializeDefinition(row: PropertyDefinitionRow, dataStreamKey: string) {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    type: row.type,
    optional: row.optional !== 0,
    data_stream_key: dataStreamKey,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
