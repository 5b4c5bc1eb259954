import { drawGarment } from './catalogue/draw-garment.js';
import { TryOnInputError } from './errors.js';
import { encodeImage } from './image/codec.js';
import { TryOnService } from './service.js';

// From TypeScript sources there is no compiled worker file, so the service runs the same engine in this thread; the
// worker thread path is exercised by the built server (`parley serve`).
describe('try-on service', () => {
  const service = new TryOnService({ backend: 'wasm', inline: true });
  afterAll(() => service.close());

  it('starts once, reports readiness, and passes refusals through with their reason', async () => {
    expect(service.ready).toBe(false);
    await Promise.all([service.start(), service.start()]);
    expect(service.ready).toBe(true);
    expect(service.backend).toBe('wasm');
    const garment = await encodeImage(drawGarment({ shape: 'tank-top', colour: [10, 10, 10] }), 'png');
    await expect(service.tryOn(new TextEncoder().encode('GIF89a nope'), garment)).rejects.toBeInstanceOf(TryOnInputError);
    await expect(service.tryOn(garment, garment)).rejects.toMatchObject({ reason: 'no_person' });
  }, 60_000);
});
