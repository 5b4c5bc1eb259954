import { garmentRoundness, shadeAt } from './shading.js';

describe('a worn garment\'s roundness', () => {
  it('darkens the garment towards its sides, not along its hem', () => {
    // A 200×200 garment (x 50–249, y 50–249) in a 300×300 crop; shoulder width 200: a reach of 24 px.
    const cw = 300;
    const ch = 300;
    const alpha = new Float32Array(cw * ch);
    for (let y = 50; y < 250; y++) alpha.fill(1, y * cw + 50, y * cw + 250);
    const round = garmentRoundness(alpha, cw, ch, 200);
    // Well inside: unshaded.
    expect(shadeAt(round, 150, 150)).toBeGreaterThan(0.98);
    // At the sides, halfway down: darker.
    expect(shadeAt(round, 53, 150)).toBeLessThan(0.92);
    expect(shadeAt(round, 246, 150)).toBeLessThan(0.92);
    // Along the hem (and the top), in the middle: not darkened (the body does not turn away there).
    expect(shadeAt(round, 150, 240)).toBeGreaterThan(0.98);
    expect(shadeAt(round, 150, 60)).toBeGreaterThan(0.98);
  });
});
