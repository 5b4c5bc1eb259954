/**
 * Checks against Qdrant's published OpenAPI document in `../shared/specs/qdrant`: every request the adapters send and
 * every answer of the fake must fit the operation its method and path name, so that the adapter and the fake cannot
 * share a misreading. Used by the tests of `QdrantIndex` and `qdrantGenerations`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { packageRoot } from '../../../../bot/core/index.js';
import type { FakeQdrantRequest } from './fake-qdrant.js';

/** Path of Qdrant's OpenAPI document. */
export const QDRANT_SPEC = join(packageRoot(), '..', 'shared', 'specs', 'qdrant', 'openapi.json');

type Operation = { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, { content?: Record<string, unknown> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };
const doc: Doc | undefined = existsSync(QDRANT_SPEC) ? JSON.parse(readFileSync(QDRANT_SPEC, 'utf8')) : undefined;

/** False when `../shared` is absent: the checks are skipped (callers warn with the reason). */
export const qdrantSpecAvailable = doc !== undefined;

/** OpenAPI 3.0 writes "or null" as `{ nullable: true }` without a type, which JSON Schema (and ajv) spell `{ type: 'null' }`. */
const toJsonSchema = (x: unknown): unknown => {
  if (Array.isArray(x)) return x.map(toJsonSchema);
  if (!x || typeof x !== 'object') return x;
  if ((x as { nullable?: unknown }).nullable === true && Object.keys(x).length === 1) return { type: 'null' };
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toJsonSchema(v)]));
};
// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['uint', 'uint8', 'uint32', 'uint64', 'int64', 'float', 'double', 'binary', 'partial-date-time']) ajv.addFormat(format, true);
if (doc) ajv.addSchema({ ...(toJsonSchema(doc) as object), $id: 'qdrant' });
const compiled = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]): string => parts.map((p) => `/${encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');

function validate(ref: string, data: unknown): string[] {
  if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: `qdrant#${ref}` }));
  const check = compiled.get(ref)!;
  return check(data) ? [] : [`${ref}: ${ajv.errorsText(check.errors)}`];
}

/** Names of the request body schemas (e.g. `QueryRequest`) of the requests checked so far, for coverage assertions. */
export const requestSchemasSeen = new Set<string>();

/**
 * What in one exchange does not fit the document (empty when all fits, or when the document is absent). A request
 * answered 400 is a deliberately malformed one (the fake's own tests): only its answer is checked.
 */
export function specErrors(r: FakeQdrantRequest): string[] {
  if (!doc) return [];
  const method = r.method.toLowerCase();
  const template = Object.keys(doc.paths).find((p) => doc.paths[p]![method] && new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(r.path));
  if (!template) return [`${r.method} ${r.path} is not in Qdrant's API`];
  const op = doc.paths[template]![method]!;
  const errors: string[] = [];
  const body = op.requestBody?.content['application/json']?.schema;
  if (body && r.body !== undefined && r.status !== 400) {
    requestSchemasSeen.add(body.$ref?.split('/').pop() ?? template);
    errors.push(...validate(pointer('paths', template, method, 'requestBody', 'content', 'application/json', 'schema'), r.body).map((e) => `request ${e}`));
  }
  const code = String(r.status);
  const key = [code, `${code[0]}XX`, 'default'].find((k) => op.responses[k]?.content?.['application/json']);
  if (r.status !== 0 && key) errors.push(...validate(pointer('paths', template, method, 'responses', key, 'content', 'application/json', 'schema'), r.response).map((e) => `response ${e}`));
  return errors;
}

/** Validates a value against a named schema of the document (e.g. `ChangeAliasesOperation`); empty when it fits. */
export function schemaErrors(schema: string, data: unknown): string[] {
  return doc ? validate(pointer('components', 'schemas', schema), data) : [];
}
