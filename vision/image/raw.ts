import sharp from 'sharp';

/**
 * An image file fitted into a `size` × `size` square on white (aspect kept), as raw 8-bit pixels: `channels` 1
 * (grey) or 3 (sRGB), row-major. Throws what sharp throws for a file that is not a readable image.
 */
export async function readSquareRaw(path: string, size: number, channels: 1 | 3): Promise<Buffer> {
  let pipeline = sharp(path).resize(size, size, { fit: 'contain', background: '#ffffff' }).flatten({ background: '#ffffff' });
  pipeline = channels === 1 ? pipeline.grayscale() : pipeline.removeAlpha();
  return pipeline.toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer();
}

/** Raw 8-bit pixels of a `size` × `size` image with `channels` channels as a PNG, scaled up `scale` times (nearest neighbour). */
export async function rawSquarePng(bytes: Uint8Array, size: number, channels: 1 | 2 | 3 | 4, scale = 1): Promise<Buffer> {
  const image = sharp(Buffer.from(bytes), { raw: { width: size, height: size, channels } });
  return (scale === 1 ? image : image.resize(size * scale, size * scale, { kernel: 'nearest' })).png().toBuffer();
}

/** A `width` × `height` grey PNG with the PNG `tiles` placed at their offsets (contact sheets, sample grids). */
export async function tilePng(width: number, height: number, tiles: readonly { input: Buffer; left: number; top: number }[]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080' } }).composite([...tiles]).png().toBuffer();
}
