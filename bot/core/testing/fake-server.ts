import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';

/**
 * The kit every fake vendor server is built on (Twilio, Slack, Bot Framework, Zendesk, OpenAI, Qdrant, try-on…): it
 * listens on 127.0.0.1 on a free port, reads each request's whole body and parses it by its content type (JSON, a
 * form, `multipart/form-data`), records the request with the status answered, turns a handler's failure into HTTP 500,
 * and closes with its open connections. A fake checks a request with {@link FakeRequest.valid} against a zod schema
 * written from the vendor's published document: a request the real vendor would reject is answered as the vendor
 * would (400 by default) and kept in {@link FakeServer.violations}, and `close()` then fails naming each one, so the
 * test that sent it fails even when the code under test swallowed the error. Fakes add only their vendor's behaviour.
 * Imports nothing of the project, so that every feature's and channel's `testing` folder may use it.
 */

/** A request as the kit hands it to a fake: its body already read. */
export interface FakeRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The full URL (for the query string). */
  url: URL;
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
  /** The media type of the body, lower case, without parameters (`application/json`); `''` when none. */
  contentType: string;
  /** An `application/x-www-form-urlencoded` or `multipart/form-data` body's text fields (a repeated name collects into an array). */
  form: FormFields | undefined;
  /** A `multipart/form-data` body's parts, in order (files and text fields alike). */
  parts: FormPart[] | undefined;
  /**
   * `schema`'s parse of the body (`json`, the default), the `form` fields, the multipart `parts` by name, or the `query`
   * string. A request that fails it is one the real vendor would reject: the kit answers it as the vendor would and
   * records a violation (see {@link FakeServer.violations}).
   * @throws VendorRejection when the request does not fit `schema`.
   */
  valid<T>(schema: z.ZodType<T>, source?: 'json' | 'form' | 'parts' | 'query'): T;
}

/** Text fields of a form: one value, or several when the name repeats. */
export type FormFields = Record<string, string | string[]>;

/** One part of a `multipart/form-data` body. */
export interface FormPart {
  name: string;
  /** The file name, for a file part. */
  filename?: string;
  /** The part's content type, for a file part. */
  contentType?: string;
  data: Buffer;
}

/** A request the real vendor would reject; the kit answers it with the fake's {@link FakeServerOptions.rejection}. */
export class VendorRejection extends Error {
  constructor(
    message: string,
    /** The zod issues: which field, and what is wrong with it. */
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(message);
    this.name = 'VendorRejection';
  }
}

/** How a fake presents itself and answers a request its vendor would reject. */
export interface FakeServerOptions {
  /** The vendor's name, in violation messages; default `the vendor`. */
  vendor?: string;
  /** The vendor's answer to a rejected request; default 400 `{"error": message}`. */
  rejection?: (rejected: VendorRejection) => { status: number; body: unknown };
}

/** A request the fake received and the HTTP status it answered (0 while it is being answered). */
export interface RecordedRequest extends FakeRequest {
  status: number;
}

/** Answers one request; may write the response itself, or return nothing and let the kit answer 404. */
export type FakeHandler = (request: FakeRequest, response: ServerResponse) => unknown;

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Every request received, oldest first. */
  received: RecordedRequest[];
  /** Requests the real vendor would reject (`METHOD path: field: problem; …`), oldest first; `close()` fails on them. */
  violations: string[];
  /** Returns the violations so far and forgets them: for a test that sends an invalid request on purpose. */
  takeViolations(): string[];
  /** The Node server, for fakes that need more (e.g. WebSocket upgrades). */
  server: Server;
  /**
   * Closes the server and every connection still open.
   * @throws Error listing the {@link violations}, after closing, when there are any.
   */
  close(): Promise<void>;
}

/** Writes `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/** The request's `field: problem` list of `issues` (`(body)` for the whole body). */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/** Parses a form or multipart body with the platform's own parser (undici's `Response.formData`). */
async function parseForm(contentType: string, mediaType: string, body: Buffer): Promise<{ form: FormFields; parts: FormPart[] | undefined }> {
  const data = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  const form: FormFields = {};
  const parts: FormPart[] = [];
  for (const [name, value] of data) {
    if (typeof value === 'string') {
      const previous = form[name];
      form[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
      parts.push({ name, data: Buffer.from(value, 'utf8') });
    } else {
      parts.push({ name, filename: value.name, ...(value.type ? { contentType: value.type } : {}), data: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { form, parts: mediaType === 'multipart/form-data' ? parts : undefined };
}

/** The multipart parts by name, for a schema: a file as `{filename, contentType, data}`, a text field as its text. */
function partsByName(parts: FormPart[] | undefined): Record<string, unknown> {
  return Object.fromEntries((parts ?? []).map((part) => [part.name, part.filename === undefined ? part.data.toString('utf8') : part]));
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Starts a fake server answering with `handle`. A request `handle` leaves unanswered gets 404; a `handle` that throws
 * answers 500 `{"error": message}` (or drops the connection when the answer had begun).
 */
export async function startFakeServer(handle: FakeHandler, options: FakeServerOptions = {}): Promise<FakeServer> {
  const vendor = options.vendor ?? 'the vendor';
  const received: RecordedRequest[] = [];
  let violations: string[] = [];
  const server = createServer((incoming, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const contentTypeHeader = incoming.headers['content-type'] ?? '';
      const contentType = (contentTypeHeader.split(';')[0] ?? '').trim().toLowerCase();
      const parsed =
        contentType === 'application/x-www-form-urlencoded' || contentType === 'multipart/form-data'
          ? await parseForm(contentTypeHeader, contentType, body).catch(() => undefined)
          : undefined;
      const method = incoming.method ?? 'GET';
      const request: RecordedRequest = {
        method,
        path: url.pathname,
        url,
        headers: incoming.headers,
        body,
        text,
        json: parseJson(text),
        contentType,
        form: parsed?.form,
        parts: parsed?.parts,
        status: 0,
        valid(schema, source = 'json') {
          const input = source === 'json' ? request.json : source === 'form' ? request.form : source === 'parts' ? partsByName(request.parts) : Object.fromEntries(url.searchParams);
          const result = schema.safeParse(input);
          if (result.success) return result.data;
          throw new VendorRejection(`${vendor} would reject ${method} ${url.pathname}: ${describeIssues(result.error.issues)}`, result.error.issues);
        },
      };
      received.push(request);
      response.once('finish', () => (request.status = response.statusCode));
      try {
        await handle(request, response);
        if (!response.headersSent && !response.destroyed) sendJson(response, 404, { error: `no route for ${request.method} ${request.path}` });
      } catch (error) {
        if (error instanceof VendorRejection) violations.push(error.message);
        if (response.headersSent) response.destroy();
        else if (error instanceof VendorRejection) {
          const answer = options.rejection?.(error) ?? { status: 400, body: { error: error.message } };
          sendJson(response, answer.status, answer.body);
        } else sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    get violations() {
      return violations;
    },
    takeViolations() {
      const taken = violations;
      violations = [];
      return taken;
    },
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (violations.length) throw new Error(`fake server of ${vendor}: ${violations.length} request(s) the real ${vendor} would reject:\n- ${violations.join('\n- ')}`);
    },
  };
}
