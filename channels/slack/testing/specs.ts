/**
 * Checks against Slack's published API documents in `../shared/specs/slack` (the Web API's OpenAPI 2.0 document and
 * the Events API's AsyncAPI document and event wrapper schema), so that the adapter, the fake and the test payloads
 * cannot share a misreading. Where the documents and Slack's method documentation differ, the documentation wins and
 * the difference is named here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { packageRoot } from '../../../bot/core/index.js';
import type { FakeSlackRequest } from './fake-slack.js';

/** Folder of Slack's documents. */
export const SLACK_SPECS_DIR = join(packageRoot(), '..', 'shared', 'specs', 'slack');
/** False when `../shared` is absent: the checks are skipped (callers warn with the reason). */
export const slackSpecsAvailable = existsSync(join(SLACK_SPECS_DIR, 'web-api-openapi-v2.json'));

type Json = Record<string, unknown>;
interface Parameter {
  in: string;
  name: string;
  type?: string;
  required?: boolean;
}
interface Operation {
  consumes?: string[];
  parameters?: Parameter[];
  responses: Record<string, { schema?: Json }>;
}

const read = (name: string): Json => JSON.parse(readFileSync(join(SLACK_SPECS_DIR, name), 'utf8')) as Json;
const webApi = slackSpecsAvailable ? read('web-api-openapi-v2.json') : undefined;
const asyncApi = slackSpecsAvailable ? read('events-api-asyncapi-v1.json') : undefined;
const wrapper = slackSpecsAvailable ? read('event-wrapper-schema.json') : undefined;

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
// Form fields arrive as strings ("false", "1"): requests are checked with Swagger's formData types coerced.
const formAjv = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
if (webApi) ajv.addSchema({ ...webApi, $id: 'slack-web' });
if (asyncApi) ajv.addSchema({ ...asyncApi, $id: 'slack-events' });
if (wrapper) ajv.addSchema({ ...wrapper, $id: 'slack-event-wrapper' });

const compiled = new Map<string, ValidateFunction>();
const escape = (part: string): string => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'));
function check(ref: string, data: unknown): string[] {
  if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: ref }));
  const validate = compiled.get(ref)!;
  return validate(data) ? [] : [`${ref}: ${ajv.errorsText(validate.errors)}`];
}

/**
 * Errors Slack's method documentation lists that the document's error enums lack ("the specs don't always tell the
 * whole truth"): chat.postMessage answers `invalid_blocks` for blocks it rejects.
 */
const DOCUMENTED_ERRORS: Record<string, string[]> = { 'chat.postMessage': ['invalid_blocks'] };

/**
 * What is wrong with one Web API call the fake answered: method, content type, parameters (names, types, required)
 * and `blocks` against the operation, the token, and the answer against its 200 or error schema. Methods the document
 * does not have (apps.connections.open came with Socket Mode, after it) are reported by the caller, not here.
 */
export function webApiErrors(request: FakeSlackRequest): string[] {
  const paths = (webApi?.paths ?? {}) as Record<string, Record<string, Operation>>;
  const path = `/${request.method}`;
  const entry = paths[path];
  if (!entry) return [];
  // The document gives auth.test as GET; Slack accepts POST for every method and the client library always POSTs.
  const [verb, op] = Object.entries(entry)[0] as [string, Operation];
  const errors: string[] = [];
  const base = `slack-web#/paths/${escape(path)}/${verb}`;
  // The document has the token as a `token` header; Slack's documentation sends it as `Authorization: Bearer`.
  if (op.parameters?.some((p) => p.name === 'token' && p.required) && !request.token) errors.push(`${request.method}: no token`);
  if (request.httpMethod === 'POST' && op.consumes && !op.consumes.some((c) => request.contentType.startsWith(c))) {
    errors.push(`${request.method}: content type ${request.contentType} is not one of ${op.consumes.join(', ')}`);
  }
  const form = (op.parameters ?? []).filter((p) => p.in === 'formData' || p.in === 'query');
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: { token: { type: 'string' }, ...Object.fromEntries(form.map((p) => [p.name, { type: p.type === 'integer' ? 'integer' : p.type ?? 'string' }])) },
    // users.info and other GET methods list `token` as a required query parameter; the bearer header is checked above.
    required: form.filter((p) => p.required && p.name !== 'token').map((p) => p.name),
  };
  const params = { ...request.params };
  const validateForm = formAjv.compile(schema);
  if (!validateForm(params)) errors.push(`${request.method} request: ${formAjv.errorsText(validateForm.errors)}`);
  if (typeof request.params.blocks === 'string') errors.push(...check('slack-web#/definitions/blocks', JSON.parse(request.params.blocks)).map((e) => `request blocks ${e}`));
  const ok = request.response.ok === true;
  const documented = !ok && DOCUMENTED_ERRORS[request.method]?.includes(String(request.response.error));
  if (!documented) {
    const key = ok ? '200' : 'default';
    if (op.responses[key]?.schema) errors.push(...check(`${base}/responses/${key}/schema`, request.response).map((e) => `response ${e}`));
  }
  return errors;
}

/** True when the Web API document describes `method`. */
export function inWebApi(method: string): boolean {
  return Boolean((webApi?.paths as Json | undefined)?.[`/${method}`]);
}

/**
 * Everything wrong with the calls a fake answered: {@link webApiErrors} of each, and each method the Web API document
 * does not describe. Empty when the document is missing (the caller has said so).
 */
export function webApiViolations(requests: readonly FakeSlackRequest[]): string[] {
  if (!slackSpecsAvailable) return [];
  return [...requests.flatMap(webApiErrors), ...requests.filter((r) => !inWebApi(r.method)).map((r) => `${r.method}: not in the Web API document`)];
}

/**
 * What is wrong with an Events API body: against the event wrapper schema and the AsyncAPI document's
 * `GenericEventWrapper`, and, given a topic (e.g. `message` for a deletion), against that topic's payload.
 */
export function eventErrors(body: unknown, topic?: string): string[] {
  if (!slackSpecsAvailable) return [];
  const errors = [...check('slack-event-wrapper#', body), ...check('slack-events#/components/schemas/GenericEventWrapper', body)];
  if (topic) errors.push(...check(`slack-events#/topics/${escape(topic)}/subscribe/payload`, body));
  return errors;
}

/**
 * The example envelopes Slack's event wrapper schema publishes (`examples`, and one assembled from its properties'
 * `examples`: a direct message in the app's home), to feed through the decoder. Empty when the documents are missing.
 */
export function documentedEnvelopes(): Json[] {
  if (!wrapper) return [];
  const properties = (wrapper.properties ?? {}) as Record<string, { examples?: unknown[] }>;
  const assembled = Object.fromEntries(Object.entries(properties).flatMap(([name, property]) => (property.examples?.length ? [[name, property.examples[0]]] : [])));
  return [...((wrapper.examples ?? []) as Json[]), assembled];
}
