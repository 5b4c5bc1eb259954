import { readFile } from 'node:fs/promises';
import { decodeImage } from '../image/codec.js';
import { drawGarment, type GarmentDrawing } from './draw-garment.js';
import { SAMPLE_PRODUCTS, sampleCatalogue, sampleCataloguePath } from './sample-catalogue.js';

describe('the bundled sample catalogue', () => {
  it('holds every sample product with its texts, in order', async () => {
    const products = await sampleCatalogue();
    expect(products.map(({ image: _image, imageType, ...rest }) => ({ ...rest, imageType }))).toEqual(
      SAMPLE_PRODUCTS.map(({ drawing: _drawing, ...rest }) => ({ ...rest, imageType: 'image/png' })),
    );
  });

  it('was drawn from the drawings of SAMPLE_PRODUCTS (else run `npm run sample:catalogue`)', async () => {
    const rows = JSON.parse(await readFile(sampleCataloguePath(), 'utf8')) as { id: string; drawing: unknown }[];
    expect(rows.map(({ id, drawing }) => ({ id, drawing }))).toEqual(SAMPLE_PRODUCTS.map(({ id, drawing }) => ({ id, drawing })));
  });

  it('has the photos the drawing code draws now, for every shape and detail (else run `npm run sample:catalogue`)', async () => {
    const products = await sampleCatalogue();
    // Drawing is slow under Jest's transform (~1.5 s a photo): the fewest products that have every shape, detail and
    // a stripe among them, the most detailed first (the drawings of all are compared above).
    const traits = (drawing: GarmentDrawing): string[] => [drawing.shape, ...(drawing.details ?? []), ...(drawing.stripe ? ['stripe'] : [])];
    const covered = new Set<string>();
    const checked = [...SAMPLE_PRODUCTS.entries()]
      .sort(([, a], [, b]) => traits(b.drawing).length - traits(a.drawing).length)
      .filter(([, { drawing }]) => {
        const adds = traits(drawing).some((trait) => !covered.has(trait));
        for (const trait of traits(drawing)) covered.add(trait);
        return adds;
      });
    expect(checked.length).toBeLessThan(SAMPLE_PRODUCTS.length);
    for (const [index, { id, drawing }] of checked) {
      const bundled = await decodeImage(products[index]!.image);
      const drawn = drawGarment(drawing);
      expect({ id, width: bundled.width, height: bundled.height }).toEqual({ id, width: drawn.width, height: drawn.height });
      let worst = 0;
      for (let i = 0; i < drawn.data.length; i++) worst = Math.max(worst, Math.abs(drawn.data[i]! - bundled.data[i]!));
      // Lossless PNG: equal but for a rounding step where another machine's floating point lands on the other side.
      expect({ id, worst: worst <= 1 }).toEqual({ id, worst: true });
    }
  });
});
