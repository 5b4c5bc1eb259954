import { drawGarment } from './catalogue/draw-garment.js';
import { TryOnInputError } from './errors.js';
import { encodeImage } from './image/codec.js';
import { TryOnEngine } from './pipeline.js';

// The real pipeline end to end: WASM backend, both models loaded from node_modules, a self-made image.
describe('try-on engine (real models, WASM)', () => {
  let engine: TryOnEngine;
  beforeAll(async () => {
    engine = await TryOnEngine.create({ backend: 'wasm' });
  }, 60_000);

  async function refusal(person: Uint8Array, garment: Uint8Array): Promise<string> {
    try {
      await engine.run({ person, garment });
    } catch (error) {
      if (error instanceof TryOnInputError) return error.reason;
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it('loads on the WASM backend', () => {
    expect(engine.backend).toBe('wasm');
    expect(engine.loadMs).toBeGreaterThan(0);
  });

  it('finds no person in a photo of a product, a blank wall or noise', async () => {
    const garment = await encodeImage(drawGarment({ shape: 't-shirt', colour: [200, 52, 40] }), 'jpeg');
    expect(await refusal(garment, garment)).toBe('no_person');
    const wall = await encodeImage({ width: 480, height: 640, data: new Uint8Array(480 * 640 * 3).fill(180) }, 'png');
    expect(await refusal(wall, garment)).toBe('no_person');
  }, 30_000);

  it('refuses a non-image and an image bomb before running the models', async () => {
    const garment = await encodeImage(drawGarment({ shape: 't-shirt', colour: [200, 52, 40] }), 'png');
    expect(await refusal(new TextEncoder().encode('hello'), garment)).toBe('not_an_image');
    const bomb = new Uint8Array(64);
    bomb.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(bomb.buffer).setUint32(16, 50_000);
    new DataView(bomb.buffer).setUint32(20, 50_000);
    expect(await refusal(bomb, garment)).toBe('too_large');
  });

  it('reports a refused photo before a refused product image (the product photo may be prepared first)', async () => {
    const notAnImage = new TextEncoder().encode('hello');
    const wall = await encodeImage({ width: 480, height: 640, data: new Uint8Array(480 * 640 * 3).fill(180) }, 'png');
    expect(await refusal(wall, notAnImage)).toBe('no_person');
    const blankProduct = await encodeImage({ width: 300, height: 400, data: new Uint8Array(300 * 400 * 3).fill(245) }, 'png');
    expect(await refusal(notAnImage, blankProduct)).toBe('not_an_image');
  }, 30_000);
});
