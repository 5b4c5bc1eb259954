import type { Point } from '../geometry/tps.js';
import type { RgbImage } from '../image/raster.js';

/** Garment shapes the sample-catalogue generator can draw. */
export type GarmentShape = 't-shirt' | 'tank-top' | 'long-sleeve';

/** What to draw: shape, body colour and an optional stripe colour (a horizontal chest band). */
export interface GarmentDrawing {
  shape: GarmentShape;
  colour: [number, number, number];
  stripe?: [number, number, number];
}

/** Outline of a front-facing garment in unit coordinates (x 0–1 across, y 0–1 down), clockwise from the collar. */
function outline(shape: GarmentShape): Point[] {
  const collar = [{ x: 0.4, y: 0.08 }, { x: 0.5, y: 0.14 }, { x: 0.6, y: 0.08 }];
  const body = { left: 0.27, right: 0.73, hem: 0.92 };
  if (shape === 'tank-top') {
    return [{ x: 0.36, y: 0.06 }, { x: 0.42, y: 0.06 }, { x: 0.5, y: 0.2 }, { x: 0.58, y: 0.06 }, { x: 0.64, y: 0.06 }, { x: 0.66, y: 0.22 },
      { x: body.right, y: 0.34 }, { x: body.right, y: body.hem }, { x: body.left, y: body.hem }, { x: body.left, y: 0.34 }, { x: 0.34, y: 0.22 }];
  }
  const cuffY = shape === 'long-sleeve' ? 0.86 : 0.38;
  const cuffX = shape === 'long-sleeve' ? 0.1 : 0.08;
  return [
    ...collar,
    { x: 0.72, y: 0.11 }, { x: 1 - cuffX, y: cuffY - 0.06 }, { x: 1 - cuffX - 0.09, y: cuffY }, { x: body.right, y: 0.4 },
    { x: body.right, y: body.hem }, { x: body.left, y: body.hem }, { x: body.left, y: 0.4 },
    { x: cuffX + 0.09, y: cuffY }, { x: cuffX, y: cuffY - 0.06 }, { x: 0.28, y: 0.11 },
  ];
}

function inside(poly: Point[], x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
  }
  return hit;
}

/**
 * Draws a product photo of a garment (front view, flat, on a plain off-white background) at `width`×`height`, with a
 * soft vertical shading so it does not look flat. Used for the bundled sample catalogue and in tests; no photo is copied.
 */
export function drawGarment(drawing: GarmentDrawing, width = 384, height = 512): RgbImage {
  const poly = outline(drawing.shape);
  const data = new Uint8Array(width * height * 3).fill(247);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      if (!inside(poly, u, v)) continue;
      const striped = drawing.stripe && v > 0.42 && v < 0.5;
      const colour = striped ? drawing.stripe! : drawing.colour;
      const shade = 0.92 + 0.08 * Math.cos((u - 0.5) * Math.PI);
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) data[p + c] = Math.round(colour[c]! * shade);
    }
  }
  return { width, height, data };
}
