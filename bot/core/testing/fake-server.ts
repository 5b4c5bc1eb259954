import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The kit every fake vendor server is built on (Twilio, Slack, Bot Framework, Zendesk, OpenAI, Qdrant, try-on…): it
 * listens on 127.0.0.1 on a free port, reads each request's whole body, records the request with the status answered,
 * turns a handler's failure into HTTP 500, and closes with its open connections. Fakes add only their vendor's
 * behaviour. Imports nothing of the project, so that every feature's and channel's `testing` folder may use it.
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
  /** The Node server, for fakes that need more (e.g. WebSocket upgrades). */
  server: Server;
  /** Closes the server and every connection still open. */
  close(): Promise<void>;
}

/** Writes `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
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
export async function startFakeServer(handle: FakeHandler): Promise<FakeServer> {
  const received: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const request: RecordedRequest = { method: incoming.method ?? 'GET', path: url.pathname, url, headers: incoming.headers, body, text, json: parseJson(text), status: 0 };
      received.push(request);
      response.once('finish', () => (request.status = response.statusCode));
      try {
        await handle(request, response);
        if (!response.headersSent && !response.destroyed) sendJson(response, 404, { error: `no route for ${request.method} ${request.path}` });
      } catch (error) {
        if (response.headersSent) response.destroy();
        else sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
