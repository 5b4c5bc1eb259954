import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake try-on server received: its multipart fields (files as bytes with their content type). */
export interface FakeTryOnRequest {
  contentType: string;
  fields: Record<string, { contentType?: string; filename?: string; data: Buffer }>;
}

/** How the fake answers: a status, a content type and a body, optionally after a delay (to test timeouts). */
export interface FakeTryOnAnswer {
  status?: number;
  contentType?: string;
  body: Uint8Array | string;
  delayMs?: number;
}

/**
 * A local stand-in for an external try-on model server (`PARLEY_TRYON_URL`): accepts `POST` `multipart/form-data`,
 * records the parts, and answers with what `answer(request)` returns. For tests; listens on 127.0.0.1.
 */
export class FakeTryOnServer {
  readonly requests: FakeTryOnRequest[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(answer: (request: FakeTryOnRequest) => FakeTryOnAnswer): Promise<FakeTryOnServer> {
    const holder: { fake?: FakeTryOnServer } = {};
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readAll(req);
        const request = { contentType: req.headers['content-type'] ?? '', fields: parseMultipart(req.headers['content-type'] ?? '', body) };
        holder.fake!.requests.push(request);
        const reply = answer(request);
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'image/png' });
        res.end(typeof reply.body === 'string' ? reply.body : Buffer.from(reply.body));
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeTryOnServer(server, `http://127.0.0.1:${port}/tryon`);
    return holder.fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Splits a `multipart/form-data` body (RFC 7578) into its named parts. */
function parseMultipart(contentType: string, body: Buffer): FakeTryOnRequest['fields'] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const fields: FakeTryOnRequest['fields'] = {};
  if (!boundary) return fields;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (name) {
      fields[name] = {
        contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1],
        filename: /filename="([^"]*)"/.exec(head)?.[1],
        data: part.subarray(split + 4),
      };
    }
    start = next;
  }
  return fields;
}
