import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// Two validators. Query strings, params and headers arrive as text, so they are coerced ("50" -> 50).
// Bodies are JSON and are taken exactly as sent: coercing there would turn `"records": "x"` into ["x"] or
// an amount of "100" into 100, hiding a client's bug in a financial payload.

const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

function build(options: Options) {
  const ajv = new Ajv({ ...common, ...options });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

const strict = build({ coerceTypes: false });
const coercing = build({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<FastifySchema>>;
};
