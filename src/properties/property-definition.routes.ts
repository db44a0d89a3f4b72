import { Type } from 'typebox';
import { AppError } from '../errors/app-error.js';
import { parseId } from '../http/pagination.js';
import { commonErrors, IdParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { isPossibleStreamKey } from '../records/validate-record.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import {
  deleteDefinition,
  findDefinition,
  insertDefinition,
  listDefinitions,
  updateDefinition,
} from './property-definition.repository.js';
import {
  CreatePropertyDefinitionBody,
  ListPropertyDefinitionsQuery,
  PropertyDefinition,
  serializeDefinition,
  UpdatePropertyDefinitionBody,
} from './property-definition.schemas.js';

const tags = ['Property definitions'];
const IMMUTABLE = ['key', 'type', 'data_stream_key'] as const;

export async function propertyDefinitionRoutes(app: App, deps: RouteDeps) {
  const { store, now } = deps;

  /** A key that cannot be a stream key is not looked up: it names nothing (and may hold what PostgreSQL refuses). */
  async function findStream(environmentId: number, key: string) {
    return isPossibleStreamKey(key) ? findStreamByKey(store.db, environmentId, key) : undefined;
  }

  async function definitionOr404(environmentId: number, rawId: string) {
    const row = await findDefinition(store.db, environmentId, parseId(rawId, 'property_definition_not_found'));
    if (!row) throw new AppError('property_definition_not_found');
    return row;
  }

  app.get(
    '/data_stream_property_definitions',
    {
      schema: {
        tags,
        summary: 'List a data stream’s property definitions',
        description: 'In creation order. The list belongs to a stream, so an unknown data_stream_key answers 404.',
        querystring: ListPropertyDefinitionsQuery,
        response: { 200: Type.Array(PropertyDefinition), ...commonErrors },
      },
    },
    async (request) => {
      const stream = await findStream(request.environment.id, request.query.data_stream_key);
      if (!stream) throw new AppError('data_stream_not_found');
      const rows = await listDefinitions(store.db, request.environment.id, stream.id);
      return rows.map((row) => serializeDefinition(row, row.data_stream_key));
    },
  );

  app.post(
    '/data_stream_property_definitions',
    {
      schema: {
        tags,
        summary: 'Create a property definition',
        description: 'Applies to records written from now on; existing records are not re-checked.',
        body: CreatePropertyDefinitionBody,
        response: { 201: PropertyDefinition, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { key, name, type, optional, data_stream_key } = request.body;
      const stream = await findStream(request.environment.id, data_stream_key);
      if (!stream) throw new AppError('unknown_data_stream', undefined, { data_stream_key });
      const row = await insertDefinition(
        store.db,
        { environment_id: request.environment.id, data_stream_id: stream.id, key, name, type, optional: optional ?? false },
        now(),
      );
      if (!row) throw new AppError('property_definition_key_taken', undefined, { key });
      return reply.status(201).send(serializeDefinition(row, stream.key));
    },
  );

  app.get(
    '/data_stream_property_definitions/:id',
    {
      schema: { tags, summary: 'Retrieve a property definition', params: IdParams, response: { 200: PropertyDefinition, ...commonErrors } },
    },
    async (request) => {
      const row = await definitionOr404(request.environment.id, request.params.id);
      return serializeDefinition(row, row.data_stream_key);
    },
  );

  app.patch(
    '/data_stream_property_definitions/:id',
    {
      schema: {
        tags,
        summary: 'Update a property definition’s name or optional flag',
        params: IdParams,
        body: UpdatePropertyDefinitionBody,
        response: { 200: PropertyDefinition, ...commonErrors },
      },
    },
    async (request) => {
      const environmentId = request.environment.id;
      const existing = await definitionOr404(environmentId, request.params.id);
      const body = request.body as Record<string, unknown>;
      // Silently ignoring a new type would let a client believe its records are now checked differently.
      for (const field of IMMUTABLE) {
        if (body[field] !== undefined) {
          throw new AppError('immutable_field', `${field} cannot be changed; delete the definition and create a new one`, { field });
        }
      }
      const changes: { name?: string; optional?: boolean } = {};
      if (request.body.name !== undefined) changes.name = request.body.name;
      if (request.body.optional !== undefined) changes.optional = request.body.optional;
      await updateDefinition(store.db, existing.id, changes, now());
      const row = await findDefinition(store.db, environmentId, existing.id);
      if (!row) throw new AppError('property_definition_not_found');
      return serializeDefinition(row, row.data_stream_key);
    },
  );

  app.delete(
    '/data_stream_property_definitions/:id',
    {
      schema: { tags, summary: 'Delete a property definition', params: IdParams, response: { 204: Type.Null(), ...commonErrors } },
    },
    async (request, reply) => {
      const id = parseId(request.params.id, 'property_definition_not_found');
      if (!(await deleteDefinition(store.db, request.environment.id, id))) throw new AppError('property_definition_not_found');
      return reply.status(204).send(null);
    },
  );
}
