import { ciede2000, srgbToLab } from './color.js';

// Test pairs from Sharma, Wu & Dalal (2005), Table 1 (pair number, Lab 1, Lab 2, ΔE00).
const SHARMA: [number, [number, number, number], [number, number, number], number][] = [
  [1, [50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
  [2, [50, 3.1571, -77.2803], [50, 0, -82.7485], 2.8615],
  [7, [50, 0, 0], [50, -1, 2], 2.3669],
  [12, [50, 2.49, -0.001], [50, -2.49, 0.0009], 7.1792],
  [13, [50, 2.49, -0.001], [50, -2.49, 0.001], 7.1792],
  [14, [50, 2.49, -0.001], [50, -2.49, 0.0011], 7.2195],
  [15, [50, 2.49, -0.001], [50, -2.49, 0.0012], 7.2195],
  [16, [50, -0.001, 2.49], [50, 0.0009, -2.49], 4.8045],
  [17, [50, 2.5, 0], [73, 25, -18], 27.1492],
  [18, [50, 2.5, 0], [61, -5, 29], 22.8977],
  [19, [50, 2.5, 0], [56, -27, -3], 31.903],
  [20, [50, 2.5, 0], [58, 24, 15], 19.4535],
  [25, [60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
  [31, [22.7233, 20.0904, -46.694], [23.0331, 14.973, -42.5619], 2.0373],
  [34, [2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082],
];

describe('CIEDE2000', () => {
  it.each(SHARMA)('matches Sharma et al. pair %i', (_n, a, b, expected) => {
    const lab1 = { L: a[0], a: a[1], b: a[2] };
    const lab2 = { L: b[0], a: b[1], b: b[2] };
    expect(ciede2000(lab1, lab2)).toBeCloseTo(expected, 4);
    expect(ciede2000(lab2, lab1)).toBeCloseTo(expected, 4);
  });

  it('is zero for identical colours', () => {
    const lab = srgbToLab(120, 30, 200);
    expect(ciede2000(lab, lab)).toBe(0);
  });
});

describe('sRGB to CIELAB', () => {
  it('maps white, black and pure red to their D65 Lab values', () => {
    const white = srgbToLab(255, 255, 255);
    expect(white.L).toBeCloseTo(100, 2);
    expect(Math.abs(white.a) + Math.abs(white.b)).toBeLessThan(0.01);
    expect(srgbToLab(0, 0, 0).L).toBeCloseTo(0, 5);
    const red = srgbToLab(255, 0, 0);
    expect(red.L).toBeCloseTo(53.24, 1);
    expect(red.a).toBeCloseTo(80.09, 1);
    expect(red.b).toBeCloseTo(67.2, 1);
  });
});
