import { ref, type ApiSchemaName } from './schemas.js';

/** An OpenAPI 3.1 operation object (the fields Parley's document uses). */
export interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, unknown>;
}

/** The operations of one path, by lower-case HTTP method. */
export type PathItem = Partial<Record<'get' | 'post' | 'put' | 'delete' | 'options' | 'patch', Operation>>;

const ERROR_TEXTS: Record<number, string> = {
  400: 'malformed request (`bad_request`, `invalid_json`, `invalid_utf8`)',
  401: 'missing, expired or wrong credentials',
  403: 'forbidden (a bad signature, or a missing CSRF token)',
  404: 'no such resource',
  413: 'body or text too large',
  415: 'unsupported content type',
  429: 'over a rate limit (see `Retry-After`)',
  501: 'not available in this deployment',
  503: 'the database is unavailable (`store_unavailable`)',
};

/** Error responses with the {@link ErrorBody} shape, for the given statuses. */
export function errors(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(statuses.map((status) => [String(status), { description: ERROR_TEXTS[status] ?? 'error', content: { 'application/json': { schema: ref('Error') } } }]));
}

/** A JSON response with the component `schema`. */
export function jsonResponse(description: string, schema: ApiSchemaName): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: ref(schema) } } };
}

/** A JSON response whose shape is described in words (dashboard internals). */
export function jsonObject(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: { type: 'object' } } } };
}

/** A response with a body of `mediaType` (a page, a script, an image). */
export function fileResponse(description: string, ...mediaTypes: string[]): Record<string, unknown> {
  return { description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', contentEncoding: 'binary' } }])) };
}

/** A required path parameter. */
export function pathParam(name: string, description: string): Record<string, unknown> {
  return { name, in: 'path', required: true, description, schema: { type: 'string' } };
}

/** An optional query parameter. */
export function queryParam(name: string, description: string, schema: Record<string, unknown> = { type: 'string' }): Record<string, unknown> {
  return { name, in: 'query', required: false, description, schema };
}

/** A JSON request body with the component `schema`, or an object described in words. */
export function jsonBody(schema: ApiSchemaName | Record<string, unknown>, required = true): Record<string, unknown> {
  return { required, content: { 'application/json': { schema: typeof schema === 'string' ? ref(schema) : schema } } };
}

/** A form-encoded webhook body (Twilio's parameters, Slack's interactivity payloads). */
export function formBody(description: string): Record<string, unknown> {
  return { required: true, description, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } } };
}

/** The CORS preflight of a browser upload route. */
export function preflight(summary: string): Operation {
  return { summary, tags: ['web chat'], responses: { 204: { description: 'the allowed methods and headers (`Access-Control-Allow-*`)' } } };
}
