import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.js';
import { TESTDATA_ROOT } from './support/shared.js';

// For every in-scope operation of the End Close contract (SPEC §2), each field that End Close's success
// response declares must be in Sluice's generated OpenAPI document with the same type and enum values.
// Sluice may add fields; it may not drop or retype one.

type Schema = Record<string, any>;

const CONTRACT_PATH = resolve(TESTDATA_ROOT, '..', 'contract', 'endclose-openapi.json');

/**
 * Values Sluice adds to a contract enum, for what it has and End Close has not (docs/compatibility.md,
 * "Enum values Sluice adds"): the sources of BAI2 and camt.053 uploads, reachable only through those
 * uploads, so a client that never makes one never sees them. Nothing else may differ.
 */
const ENUM_EXTENSIONS = new Set<string>(['bai2_upload', 'camt053_upload']);

/** In-scope operations; `pending` names the issue that brings an operation not built yet. */
const OPERATIONS: Array<{ method: string; path: string; pending?: string }> = [
  { method: 'get', path: '/data_streams' },
  { method: 'post', path: '/data_streams' },
  { method: 'get', path: '/data_streams/{key}' },
  { method: 'patch', path: '/data_streams/{key}' },
  { method: 'delete', path: '/data_streams/{key}' },
  { method: 'post', path: '/data_streams/{key}/reset' },
  { method: 'get', path: '/data_streams/{key}/operations/{id}' },
  { method: 'get', path: '/data_streams/{key}/health' },
  { method: 'get', path: '/data_streams/{key}/import_batches' },
  { method: 'get', path: '/data_stream_property_definitions' },
  { method: 'post', path: '/data_stream_property_definitions' },
  { method: 'get', path: '/data_stream_property_definitions/{id}' },
  { method: 'patch', path: '/data_stream_property_definitions/{id}' },
  { method: 'delete', path: '/data_stream_property_definitions/{id}' },
  { method: 'get', path: '/records' },
  { method: 'post', path: '/records' },
  { method: 'get', path: '/records/{id}' },
  { method: 'patch', path: '/records/{id}' },
  { method: 'delete', path: '/records/{id}' },
  { method: 'post', path: '/records/bulk' },
  { method: 'get', path: '/bulk_requests' },
  { method: 'get', path: '/bulk_requests/{id}' },
  { method: 'post', path: '/bulk_requests/{id}/cancel' },
  { method: 'post', path: '/bulk_requests/{id}/retry' },
  { method: 'get', path: '/import_batches/{id}' },
  { method: 'get', path: '/import_batches/{id}/records' },
];

function deref(doc: Schema, schema: Schema | undefined, seen = new Set<string>()): Schema | undefined {
  if (!schema) return schema;
  if (typeof schema.$ref === 'string') {
    const ref: string = schema.$ref;
    if (seen.has(ref)) return {};
    seen.add(ref);
    let target: any;
    if (ref.startsWith('#/')) {
      target = ref.slice(2).split('/').reduce((node: any, part) => node?.[part], doc);
    } else {
      // @fastify/swagger names shared schemas by their $id.
      target = Object.values(doc.components?.schemas ?? {}).find((s: any) => s.$id === ref || s.title === ref);
    }
    return deref(doc, target, seen);
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = { type: 'object', properties: {} };
    for (const part of schema.allOf) {
      const p = deref(doc, part, seen) ?? {};
      Object.assign(merged.properties, p.properties ?? {});
    }
    return merged;
  }
  return schema;
}

/** The set of JSON types a schema admits, with 3.0's `nullable` and 3.1's unions folded together. */
function typesOf(doc: Schema, raw: Schema): { types: Set<string>; enums?: Set<unknown>; schema: Schema } {
  const schema = deref(doc, raw) ?? {};
  const types = new Set<string>();
  let enums: Set<unknown> | undefined;
  const variants: Schema[] = schema.anyOf ?? schema.oneOf ?? [schema];
  let base: Schema = schema;
  for (const v0 of variants) {
    const v = deref(doc, v0) ?? {};
    const t = v.type;
    if (Array.isArray(t)) t.forEach((x: string) => types.add(x));
    else if (typeof t === 'string') types.add(t);
    if ('const' in v) {
      enums ??= new Set();
      enums.add(v.const);
      if (v.const === null) types.add('null');
      else types.add(typeof v.const === 'number' ? 'number' : typeof v.const);
    }
    if (Array.isArray(v.enum)) {
      enums ??= new Set();
      for (const e of v.enum) {
        enums.add(e);
        if (e === null) types.add('null');
        else if (!t) types.add(typeof e);
      }
    }
    if (v.type !== 'null' && v.const !== null) base = v;
  }
  if (schema.nullable === true) types.add('null');
  if (types.has('integer')) types.delete('number') ; // an integer is what both sides mean by "number" ids
  if (enums?.has(null)) enums.delete(null);
  return { types, ...(enums ? { enums } : {}), schema: base };
}

function compare(contract: Schema, sluice: Schema, c: Schema, s: Schema, path: string, problems: string[]) {
  const ct = typesOf(contract, c);
  const st = typesOf(sluice, s);
  if (ct.types.size > 0) {
    for (const type of ct.types) {
      if (type === 'null') continue; // a nullable contract field may be always present in Sluice
      if (!st.types.has(type) && !(type === 'number' && st.types.has('integer'))) {
        problems.push(`${path}: contract type ${[...ct.types]} but Sluice ${[...st.types]}`);
      }
    }
    if (ct.types.has('null') && !st.types.has('null')) {
      // Sluice may omit instead of null only where the contract does not require the field.
      problems.push(`${path}: nullable in the contract but not in Sluice`);
    }
  }
  if (ct.enums) {
    const theirs = [...ct.enums].map(String).sort();
    const ours = [...(st.enums ?? [])].map(String).filter((v) => !ENUM_EXTENSIONS.has(v) || theirs.includes(v)).sort();
    if (JSON.stringify(theirs) !== JSON.stringify(ours)) problems.push(`${path}: enum ${theirs} vs ${ours}`);
  }
  const cs = ct.schema;
  const ss = st.schema;
  if (cs.properties) {
    for (const [name, sub] of Object.entries<Schema>(cs.properties)) {
      const ours = ss.properties?.[name];
      if (!ours) {
        problems.push(`${path}.${name}: missing in Sluice`);
        continue;
      }
      compare(contract, sluice, sub, ours, `${path}.${name}`, problems);
    }
  }
  if (cs.items && Object.keys(deref(contract, cs.items) ?? {}).length > 0) {
    if (!ss.items) problems.push(`${path}[]: Sluice has no item schema`);
    else compare(contract, sluice, cs.items, ss.items, `${path}[]`, problems);
  }
}

describe('OpenAPI compatibility with the End Close contract', () => {
  let t: TestApp;
  let contract: Schema;
  let sluice: Schema;
  before(async () => {
    contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
    t = await startTestApp('sqlite');
    const res = await t.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    sluice = JSON.parse(res.body);
  });
  after(async () => {
    await t?.close();
  });

  for (const op of OPERATIONS) {
    test(`${op.method.toUpperCase()} ${op.path}`, { ...(op.pending ? { todo: op.pending } : {}) }, () => {
      const theirs = contract.paths[op.path]?.[op.method];
      assert.ok(theirs, 'operation exists in the contract');
      const ours = sluice.paths[`/v1${op.path}`]?.[op.method];
      assert.ok(ours, `Sluice documents ${op.method.toUpperCase()} /v1${op.path}`);
      const problems: string[] = [];
      for (const [status, response] of Object.entries<Schema>(theirs.responses ?? {})) {
        const schema = response.content?.['application/json']?.schema;
        if (!status.startsWith('2')) continue;
        const mine = ours.responses?.[status];
        assert.ok(mine, `Sluice declares response ${status}`);
        if (!schema) continue;
        const mineSchema = mine.content?.['application/json']?.schema;
        assert.ok(mineSchema, `Sluice declares a JSON body for ${status}`);
        compare(contract, sluice, schema, mineSchema, `${status}`, problems);
      }
      assert.deepEqual(problems, []);
    });
  }
});
