import { decodeImage } from '../image/codec.js';
import { augmentPhoto, toListingImage, type AugmentOptions, type ListingImage } from './augment.js';

/** A listing set's manifest, as `parley vision augment` writes it next to the images (`manifest.json`). */
export interface ListingManifest {
  productId: string;
  images: ListingImage['entry'][];
}

/**
 * Decodes a product photo (JPEG or PNG; bad photos reject with `TryOnInputError`) and makes its listing images as
 * JPEG with their manifest entries (see {@link augmentPhoto} for which images).
 */
export async function makeListingImages(productId: string, photo: Uint8Array, options: AugmentOptions = {}): Promise<ListingImage[]> {
  const image = await decodeImage(photo);
  const out: ListingImage[] = [];
  for (const generated of augmentPhoto(image, options)) out.push(await toListingImage(productId, generated));
  return out;
}
