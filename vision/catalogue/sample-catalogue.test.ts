import { decodeImage } from '../image/codec.js';
import { drawGarment } from './draw-garment.js';
import { SAMPLE_PRODUCTS, sampleCatalogue } from './sample-catalogue.js';

describe('the bundled sample catalogue', () => {
  it('holds every sample product with its texts, in order', async () => {
    const products = await sampleCatalogue();
    expect(products.map(({ image: _image, imageType, ...rest }) => ({ ...rest, imageType }))).toEqual(
      SAMPLE_PRODUCTS.map(({ drawing: _drawing, ...rest }) => ({ ...rest, imageType: 'image/png' })),
    );
  });

  it('has the photos the drawing code draws now (else run `npm run sample:catalogue`)', async () => {
    const products = await sampleCatalogue();
    for (const [i, { id, drawing }] of SAMPLE_PRODUCTS.entries()) {
      const bundled = await decodeImage(products[i]!.image);
      const drawn = drawGarment(drawing);
      expect({ id, width: bundled.width, height: bundled.height }).toEqual({ id, width: drawn.width, height: drawn.height });
      let worst = 0;
      for (let i = 0; i < drawn.data.length; i++) worst = Math.max(worst, Math.abs(drawn.data[i]! - bundled.data[i]!));
      // Lossless PNG: equal but for a rounding step where another machine's floating point lands on the other side.
      expect({ id, worst: worst <= 1 }).toEqual({ id, worst: true });
    }
  });
});
