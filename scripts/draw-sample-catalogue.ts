import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { drawGarment } from '../vision/catalogue/draw-garment.js';
import { SAMPLE_PRODUCTS, sampleCataloguePath } from '../vision/catalogue/sample-catalogue.js';
import { encodeImage } from '../vision/image/codec.js';

/**
 * Draws the sample catalogue's product photos from {@link SAMPLE_PRODUCTS} and writes them with the catalogue file
 * (`vision/catalogue/sample/`): run after changing a drawing or the drawing code (a test says when the files are stale).
 */
export async function writeSampleCatalogue(path = sampleCataloguePath()): Promise<string[]> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const rows = [];
  for (const { drawing, ...product } of SAMPLE_PRODUCTS) {
    const image = `${product.id}.png`;
    await writeFile(join(dir, image), await encodeImage(drawGarment(drawing), 'png'));
    // The drawing each photo was made from (an import ignores it): a test compares it with SAMPLE_PRODUCTS.
    rows.push({ ...product, image, drawing });
  }
  await writeFile(path, `${JSON.stringify(rows, null, 2)}\n`);
  return rows.map((row) => join(dir, row.image));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = await writeSampleCatalogue();
  console.log(`wrote ${sampleCataloguePath()} and ${written.length} photos`);
}
