import { silentLogger, type Logger } from '../bot/core/index.js';
import { TryOnInputError } from './errors.js';
import { encodeImage } from './image/codec.js';
import { RemoteTryOn } from './remote.js';
import { FakeTryOnRunner } from './testing/fake-tryon.js';
import { FakeTryOnServer, type FakeTryOnAnswer } from './testing/fake-tryon-server.js';

const solid = (width: number, height: number, value: number) => ({ width, height, data: new Uint8Array(width * height * 3).fill(value) });

describe('remote try-on (PARLEY_TRYON_URL) against a local fake model server', () => {
  let person: Uint8Array;
  let garment: Uint8Array;
  let server: FakeTryOnServer | undefined;
  beforeAll(async () => {
    person = await encodeImage(solid(300, 400, 120), 'jpeg');
    garment = await encodeImage(solid(200, 260, 200), 'png');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function recordingLogger(): Logger & { warnings: Record<string, unknown>[] } {
    const warnings: Record<string, unknown>[] = [];
    return { ...silentLogger, warn: (obj) => warnings.push(obj), warnings };
  }

  async function run(answer: FakeTryOnAnswer, timeoutMs = 2_000) {
    server = await FakeTryOnServer.start(() => answer);
    const fallback = new FakeTryOnRunner();
    const logger = recordingLogger();
    const remote = new RemoteTryOn({ url: server.url, timeoutMs, fallback, logger });
    const result = await remote.tryOn(person, garment, 'jpeg');
    return { result, fallback, logger };
  }

  it('sends person, garment and category as multipart form data and returns the server image', async () => {
    const answer = await encodeImage(solid(300, 400, 30), 'png');
    const { result, fallback, logger } = await run({ body: answer, contentType: 'image/png' });
    expect(result.backend).toBe('remote');
    expect([result.format, result.width, result.height]).toEqual(['png', 300, 400]);
    expect(Buffer.from(result.image).equals(Buffer.from(answer))).toBe(true);
    expect(fallback.calls).toHaveLength(0);
    expect(logger.warnings).toHaveLength(0);
    const request = server!.requests[0]!;
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(Buffer.from(person).equals(request.fields.person!.data)).toBe(true);
    expect(request.fields.person!.contentType).toBe('image/jpeg');
    expect(Buffer.from(garment).equals(request.fields.garment!.data)).toBe(true);
    expect(request.fields.garment!.contentType).toBe('image/png');
    expect(request.fields.category!.data.toString()).toBe('upper');
  });

  it.each([
    ['a server error', { status: 500, contentType: 'application/json', body: '{"error":"CUDA out of memory"}' }, 'http_status'],
    ['an answer that is not an image', { contentType: 'text/html', body: '<html>busy</html>' }, 'not_an_image'],
  ] as const)('falls back to the built-in pipeline on %s, and logs why', async (_what, answer, failure) => {
    const { result, fallback, logger } = await run(answer);
    expect(result.backend).toBe('cpu');
    expect(fallback.calls).toHaveLength(1);
    expect(logger.warnings).toEqual([expect.objectContaining({ failure })]);
  });

  it('falls back when the image is not the size of the photo', async () => {
    const { result, logger } = await run({ body: await encodeImage(solid(150, 200, 30), 'jpeg'), contentType: 'image/jpeg' });
    expect(result.backend).toBe('cpu');
    expect(logger.warnings).toEqual([expect.objectContaining({ failure: 'wrong_size' })]);
  });

  it('falls back after the timeout without waiting for a slow server', async () => {
    const started = Date.now();
    const { result, logger } = await run({ body: await encodeImage(solid(300, 400, 30), 'png'), delayMs: 3_000 }, 200);
    expect(result.backend).toBe('cpu');
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(logger.warnings).toEqual([expect.objectContaining({ failure: 'timeout' })]);
  });

  it('falls back when nothing listens at the URL', async () => {
    const fallback = new FakeTryOnRunner();
    const logger = recordingLogger();
    const result = await new RemoteTryOn({ url: 'http://127.0.0.1:9/tryon', timeoutMs: 2_000, fallback, logger }).tryOn(person, garment);
    expect(result.backend).toBe('cpu');
    expect(logger.warnings).toEqual([expect.objectContaining({ failure: 'unreachable' })]);
  });

  it('refuses a photo that is not an image before sending anything', async () => {
    server = await FakeTryOnServer.start(() => ({ body: '' }));
    const remote = new RemoteTryOn({ url: server.url, fallback: new FakeTryOnRunner(), logger: silentLogger });
    await expect(remote.tryOn(new TextEncoder().encode('hello'), garment)).rejects.toBeInstanceOf(TryOnInputError);
    expect(server.requests).toHaveLength(0);
  });
});
