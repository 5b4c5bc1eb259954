import { z } from 'zod';
import { startFakeServer, type FakeServer } from '../../bot/core/testing/fake-server.js';

/** An image file part (`image/png`, `image/jpeg`, `image/webp`), not empty. */
const ImageFile = z.object({ contentType: z.string().regex(/^image\/(png|jpeg|webp)$/, 'must be an image file (image/png, image/jpeg or image/webp)'), data: z.instanceof(Buffer).refine((data) => data.length > 0, 'is empty') }, { error: 'an image file is required' });

/**
 * The request of CONTRACTS.md's try-on server (`PARLEY_TRYON_URL`): `POST` `multipart/form-data` with the image files
 * `person` and `garment` and an optional `category` (`upper`, `lower`, `dress`).
 */
const TryOnRequest = z.object({ person: ImageFile, garment: ImageFile, category: z.enum(['upper', 'lower', 'dress']).optional() });

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
      const fields = Object.fromEntries((req.parts ?? []).map(({ name, ...part }) => [name, part]));
      const request = { contentType, fields };
      requests.push(request);
      if (req.method !== 'POST' || req.path !== '/tryon') return;
      req.valid(TryOnRequest, 'parts');
      const reply = answer(request);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'image/png' });
      res.end(typeof reply.body === 'string' ? reply.body : Buffer.from(reply.body));
    }, { vendor: 'the try-on server' });
    return new FakeTryOnServer(server, `${server.url}/tryon`, requests);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
