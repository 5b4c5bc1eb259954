import type { RgbImage } from './raster.js';

/** Nearest-neighbour downscale of an RGB image to the given size (thumbnails). */
export function thumbnail(img: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / width));
      const s = (sy * img.width + sx) * 3;
      const d = (y * width + x) * 3;
      data[d] = img.data[s]!;
      data[d + 1] = img.data[s + 1]!;
      data[d + 2] = img.data[s + 2]!;
    }
  }
  return { width, height, data };
}

/**
 * Lays images out as a grid of `columns` equal cells (each image scaled into a `cellWidth`×`cellHeight` thumbnail,
 * 4 px white gutters); missing images leave the cell grey.
 */
export function contactSheet(images: (RgbImage | undefined)[], columns: number, cellWidth: number, cellHeight: number): RgbImage {
  const gutter = 4;
  const rows = Math.ceil(images.length / columns);
  const width = columns * (cellWidth + gutter) + gutter;
  const height = rows * (cellHeight + gutter) + gutter;
  const data = new Uint8Array(width * height * 3).fill(255);
  images.forEach((img, i) => {
    const ox = gutter + (i % columns) * (cellWidth + gutter);
    const oy = gutter + Math.floor(i / columns) * (cellHeight + gutter);
    const thumb = img ? thumbnail(img, cellWidth, cellHeight) : undefined;
    for (let y = 0; y < cellHeight; y++) {
      for (let x = 0; x < cellWidth; x++) {
        const d = ((oy + y) * width + ox + x) * 3;
        const s = (y * cellWidth + x) * 3;
        for (let c = 0; c < 3; c++) data[d + c] = thumb ? thumb.data[s + c]! : 200;
      }
    }
  });
  return { width, height, data };
}
