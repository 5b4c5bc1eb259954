import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { silentLogger } from '../../core/index.js';
import { drawGarment, encodeImage } from '../../../vision/index.js';
import { runCli } from '../cli.js';
import { MaintenanceJob } from '../maintenance.js';
import { createParley } from '../parley.js';
import { startServer } from '../server.js';

async function cli(home: string, argv: string[]): Promise<{ code: number; last: unknown; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn', PARLEY_VISION_BACKEND: 'wasm' });
  const lastLine = out.at(-1);
  return { code, last: lastLine ? JSON.parse(lastLine) : undefined, stderr: err.join('\n') };
}

describe('try-on at the application edge', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-tryon-app-'));
    await writeFile(join(home, 'tee.png'), await encodeImage(drawGarment({ shape: 't-shirt', colour: [20, 120, 60] }), 'png'));
    await writeFile(join(home, 'note.txt'), 'not a photo');
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('parley tryon refuses a photo without a person with exit 2 and a coded error', async () => {
    const result = await cli(home, ['tryon', '--person', join(home, 'tee.png'), '--garment', join(home, 'tee.png'), '--out', join(home, 'out.jpg'), '--json']);
    expect(result.code).toBe(2);
    expect(result.last).toEqual({ error: { code: 'no_person', message: expect.stringMatching(/No person/) } });
  }, 60_000);

  it('parley tryon names a non-image, a missing file and a bad backend', async () => {
    const notImage = await cli(home, ['tryon', '--person', join(home, 'note.txt'), '--garment', join(home, 'tee.png'), '--out', join(home, 'o.jpg'), '--json']);
    expect(notImage).toMatchObject({ code: 2, last: { error: { code: 'not_an_image' } } });
    const missing = await cli(home, ['tryon', '--person', join(home, 'nope.jpg'), '--garment', join(home, 'tee.png'), '--out', join(home, 'o.jpg'), '--json']);
    expect(missing).toMatchObject({ code: 2, last: { error: { code: 'bad_request', message: expect.stringMatching(/--person/) } } });
    const backend = await cli(home, ['tryon', '--person', join(home, 'tee.png'), '--garment', join(home, 'tee.png'), '--out', join(home, 'o.jpg'), '--backend', 'gpu', '--json']);
    expect(backend).toMatchObject({ code: 2, last: { error: { message: expect.stringMatching(/--backend/) } } });
  }, 60_000);

  it('parley catalogue import adds the operator\'s products and names bad rows', async () => {
    await writeFile(join(home, 'catalogue.json'), JSON.stringify([{ id: 'op-tee-green', name: 'Operator Tee', price: '$10', image: 'tee.png' }]));
    const ok = await cli(home, ['catalogue', 'import', join(home, 'catalogue.json'), '--json']);
    expect(ok).toMatchObject({ code: 0, last: { imported: 1, ids: ['op-tee-green'] } });
    const listed = await cli(home, ['catalogue', 'list', '--json']);
    expect((listed.last as { products: { id: string }[] }).products.map((p) => p.id)).toContain('op-tee-green');
    await writeFile(join(home, 'bad.jsonl'), `${JSON.stringify({ id: 'x', name: 'X', image: 'note.txt' })}\n`);
    const bad = await cli(home, ['catalogue', 'import', join(home, 'bad.jsonl'), '--json']);
    expect(bad).toMatchObject({ code: 2, last: { error: { message: expect.stringMatching(/product 1: image/) } } });
  });

  it('serves try-on images at an unguessable URL until retention deletes them', async () => {
    const appHome = await mkdtemp(join(tmpdir(), 'parley-tryon-media-'));
    const parley = await createParley(loadConfig({ PARLEY_HOME: appHome, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
    const server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    try {
      const conversation = await parley.store.createConversation({ userId: 'u', channel: 'test' });
      const id = 'tro_abcdefghijklmnopqrstuvwx';
      await parley.store.tryon.saveMedia({ id, conversationId: conversation.id, contentType: 'image/jpeg', data: new Uint8Array([0xff, 0xd8, 0xff, 7]) });
      const ok = await fetch(`${server.url}/media/tryon/${id}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('image/jpeg');
      expect(Array.from(new Uint8Array(await ok.arrayBuffer()))).toEqual([0xff, 0xd8, 0xff, 7]);
      expect((await fetch(`${server.url}/media/tryon/tro_zzzzzzzzzzzzzzzzzzzzzzzz`)).status).toBe(404);
      expect((await fetch(`${server.url}/media/tryon/..%2Fetc`)).status).toBe(404);

      const job = new MaintenanceJob({ store: parley.store, logger: silentLogger, photoRetentionHours: 24, now: () => Date.now() + 25 * 3_600_000 });
      expect((await job.pass()).deletedTryOnImages).toBe(1);
      expect((await fetch(`${server.url}/media/tryon/${id}`)).status).toBe(404);
    } finally {
      await server.close();
      await parley.close();
      await rm(appHome, { recursive: true, force: true });
    }
  });

  it('seeds the Northwind sample catalogue when sample data is on and serves its photos', async () => {
    const appHome = await mkdtemp(join(tmpdir(), 'parley-tryon-sample-'));
    const parley = await createParley(loadConfig({ PARLEY_HOME: appHome }), { logger: silentLogger });
    const server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    try {
      const photo = await fetch(`${server.url}/media/catalogue/nw-tee-navy`);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await photo.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
      expect((await fetch(`${server.url}/media/catalogue/nope`)).status).toBe(404);
      const products = await parley.store.tryon.listProducts();
      expect(products.length).toBeGreaterThanOrEqual(6);
      expect(products.map((p) => p.id)).toContain('nw-tee-navy');
      expect(parley.tryOn).toBeDefined();
    } finally {
      await server.close();
      await parley.close();
      await rm(appHome, { recursive: true, force: true });
    }
  });
});
