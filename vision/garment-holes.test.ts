import { fillLeakedHoles } from './garment-holes.js';
import { floatImage } from './image/raster.js';

describe('giving back the parts of a garment the background fill leaked into', () => {
  // A 400×400 product photo (a leak radius of 5 px): the garment is the square 100–299.
  const make = () => {
    const hard = floatImage(400, 400);
    for (let y = 100; y < 300; y++) hard.data.fill(1, y * 400 + 100, y * 400 + 300);
    // A 40×40 hole inside it, reached by the background through a 3-pixel leak from the garment's top edge.
    for (let y = 150; y < 190; y++) hard.data.fill(0, y * 400 + 150, y * 400 + 190);
    for (let y = 100; y < 150; y++) hard.data.fill(0, y * 400 + 168, y * 400 + 171);
    // A wedge 6 px wide and 30 deep cut into the side (an armpit's), left open.
    for (let y = 200; y < 206; y++) hard.data.fill(0, y * 400 + 270, y * 400 + 300);
    // A ring of dust in the background: its inside is not garment.
    for (let y = 20; y < 60; y++) for (let x = 20; x < 60; x++) if (y < 23 || y > 56 || x < 23 || x > 56) hard.data[y * 400 + x] = 1;
    return hard;
  };

  it('fills the hole the fill reached through a narrow leak, and the leak', () => {
    const hard = make();
    expect(fillLeakedHoles(hard)).toBeGreaterThan(40 * 40);
    expect(hard.data[170 * 400 + 170]).toBe(1);
    expect(hard.data[151 * 400 + 151]).toBe(1);
    expect(hard.data[130 * 400 + 169]).toBe(1);
  });

  it('leaves a narrow wedge of the outline, the background and a ring of dust in it alone', () => {
    const hard = make();
    fillLeakedHoles(hard);
    expect(hard.data[203 * 400 + 290]).toBe(0);
    expect(hard.data[50 * 400 + 350]).toBe(0);
    expect(hard.data[40 * 400 + 40]).toBe(0);
  });
});
