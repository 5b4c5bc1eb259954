import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ParleyError, type CatalogueProduct } from '../../bot/core/index.js';
import { TryOnInputError } from '../errors.js';
import { checkImage } from '../image/codec.js';

const productSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'ids use letters, digits, "_", "-" and "." (at most 100)'),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  price: z.string().max(40).default(''),
  image: z.string().min(1, 'the path of the product photo (relative to the catalogue file)'),
});

/**
 * Reads an operator's catalogue: a JSON array (or JSON Lines) of `{"id", "name", "description"?, "price"?, "image"}`
 * where `image` is the path of a JPEG or PNG product photo (upper-body garment on a plain light background), relative
 * to the catalogue file. Every image is checked (type and size from its header). Errors name the row and field.
 */
export async function readCatalogueFile(path: string): Promise<CatalogueProduct[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ParleyError('bad_request', `cannot read catalogue file "${path}"`, { cause: error });
  }
  let rows: unknown[];
  try {
    const trimmed = text.trim();
    rows = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]) : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  } catch (error) {
    throw new ParleyError('bad_request', `${path}: not a JSON array or JSON Lines file`, { cause: error });
  }
  if (rows.length === 0) throw new ParleyError('bad_request', `${path}: no products`);
  const products: CatalogueProduct[] = [];
  for (const [i, row] of rows.entries()) {
    const parsed = productSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ParleyError('bad_request', `${path}: product ${i + 1}: ${issue.path.join('.') || 'row'}: ${issue.message}`);
    }
    const imagePath = resolve(dirname(path), parsed.data.image);
    let image: Buffer;
    try {
      image = await readFile(imagePath);
    } catch (error) {
      throw new ParleyError('bad_request', `${path}: product ${i + 1}: image: cannot read "${imagePath}"`, { cause: error });
    }
    let format: string;
    try {
      format = checkImage(image).format;
    } catch (error) {
      const why = error instanceof TryOnInputError ? error.message : String(error);
      throw new ParleyError('bad_request', `${path}: product ${i + 1}: image: ${why}`, { cause: error });
    }
    products.push({ ...parsed.data, imageType: format === 'png' ? 'image/png' : 'image/jpeg', image: new Uint8Array(image) });
  }
  return products;
}
