import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawGarment, encodeImage } from '../../../vision/index.js';
import { runCli } from '../cli.js';

async function cli(home: string, argv: string[]): Promise<{ code: number; last: unknown }> {
  const out: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: () => undefined }, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn' });
  const lastLine = out.at(-1);
  return { code, last: lastLine ? JSON.parse(lastLine) : undefined };
}

/** Slow only under machine load: the CPU time is a few seconds. */
const SLOW = 240_000;

describe('parley vision augment', () => {
  let home: string;
  let catalogue: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-vision-cli-'));
    await writeFile(join(home, 'tee.png'), await encodeImage(drawGarment({ shape: 't-shirt', colour: [200, 52, 40] }), 'png'));
    catalogue = join(home, 'catalogue.json');
    await writeFile(catalogue, JSON.stringify([{ id: 'tee-red', name: 'Red Tee', image: 'tee.png' }]));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes the listing images and a manifest whose hashes match the files', async () => {
    const out = join(home, 'out');
    const result = await cli(home, ['vision', 'augment', '--product', 'tee-red', '--catalogue', catalogue, '--out', out, '--colours', 'navy', '--settings', 'wood,studio', '--views', 'front,right', '--json']);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { productId: string; images: { file: string; sha256: string; width: number; colour: string; setting: string; view: string }[] };
    expect(manifest.productId).toBe('tee-red');
    expect(manifest.images.map((i) => i.file)).toEqual([
      'tee-red-original-wood-front.jpg', 'tee-red-original-studio-front.jpg', 'tee-red-navy-wood-front.jpg', 'tee-red-navy-studio-front.jpg', 'tee-red-original-wood-right.jpg',
    ]);
    for (const image of manifest.images) {
      expect(image.width).toBe(384);
      expect(createHash('sha256').update(await readFile(join(out, image.file))).digest('hex')).toBe(image.sha256);
    }
  }, SLOW);

  it('names the bad field and exits 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--product', 'nope', '--catalogue', catalogue], /^--product: no product "nope"/],
      [['--product', 'tee-red', '--catalogue', catalogue, '--colours', 'navy,blurple'], /^--colours: "blurple"/],
      [['--product', 'tee-red', '--catalogue', catalogue, '--settings', 'beach'], /^--settings: "beach" is not one of/],
      [['--product', 'tee-red', '--catalogue', catalogue, '--views', 'top'], /^--views: "top" is not one of/],
      [['--product', 'tee-red', '--catalogue', catalogue, '--backgrounds', join(home, 'none')], /^--backgrounds: cannot read/],
      [['--product', 'a b'], /^--product: "a b" is not a product id/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(home, ['vision', 'augment', ...args, '--json']);
      expect(result).toEqual({ code: 2, last: { error: { code: 'bad_request', message: expect.stringMatching(message) } } });
    }
  }, SLOW);
});
