import { startFakeServer, type FakeServer } from '../../bot/core/testing/fake-server.js';

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
  private constructor(
    private readonly server: FakeServer,
    readonly url: string,
    readonly requests: FakeTryOnRequest[],
  ) {}

  static async start(answer: (request: FakeTryOnRequest) => FakeTryOnAnswer): Promise<FakeTryOnServer> {
    const requests: FakeTryOnRequest[] = [];
    const server = await startFakeServer(async (req, res) => {
      const contentType = req.headers['content-type'] ?? '';
      const request = { contentType, fields: parseMultipart(contentType, req.body) };
      requests.push(request);
      const reply = answer(request);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'image/png' });
      res.end(typeof reply.body === 'string' ? reply.body : Buffer.from(reply.body));
    });
    return new FakeTryOnServer(server, `${server.url}/tryon`, requests);
  }

  close(): Promise<void> {
    return this.server.close();
  }
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
