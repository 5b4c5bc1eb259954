import { alongPolyline, sleeveSource } from './fit.js';
import { fitTps, tpsMap } from './tps.js';

describe('thin-plate spline', () => {
  const from = [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 0, y: 100 }, { x: 100, y: 100 }, { x: 50, y: 40 }];

  it('passes exactly through its control points', () => {
    const to = [{ x: 10, y: 5 }, { x: 120, y: -3 }, { x: -4, y: 90 }, { x: 130, y: 125 }, { x: 70, y: 30 }];
    const tps = fitTps(from, to);
    from.forEach((p, i) => {
      const q = tpsMap(tps, p.x, p.y);
      expect(q.x).toBeCloseTo(to[i]!.x, 6);
      expect(q.y).toBeCloseTo(to[i]!.y, 6);
    });
  });

  it('reproduces an affine map everywhere (zero bending)', () => {
    const affine = (p: { x: number; y: number }) => ({ x: 2 * p.x - 0.5 * p.y + 7, y: 0.3 * p.x + 1.5 * p.y - 4 });
    const tps = fitTps(from, from.map(affine));
    for (const p of [{ x: 33, y: 77 }, { x: -50, y: 200 }, { x: 500, y: -20 }]) {
      const q = tpsMap(tps, p.x, p.y);
      expect(q.x).toBeCloseTo(affine(p).x, 5);
      expect(q.y).toBeCloseTo(affine(p).y, 5);
    }
  });

  it('refuses degenerate (collinear) control points', () => {
    expect(() => fitTps([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }], [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }])).toThrow(/degenerate/);
  });
});

describe('sleeve placement', () => {
  it('walks along the arm polyline and past its end', () => {
    const arm = [{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 10, y: 10 }];
    expect(alongPolyline(arm, 5)).toEqual({ x: 0, y: 5 });
    expect(alongPolyline(arm, 15)).toEqual({ x: 5, y: 10 });
    expect(alongPolyline(arm, 25)).toEqual({ x: 15, y: 10 });
  });

  it('maps the photo arm segment back onto the garment sleeve segment (rotation + scale)', () => {
    const fit = { garmentRoot: { x: 100, y: 100 }, garmentCuff: { x: 0, y: 100 }, bodyRoot: { x: 50, y: 50 }, bodyCuff: { x: 50, y: 100 } };
    const root = sleeveSource(fit, fit.bodyRoot);
    const cuff = sleeveSource(fit, fit.bodyCuff);
    expect(root.x).toBeCloseTo(100, 6);
    expect(root.y).toBeCloseTo(100, 6);
    expect(cuff.x).toBeCloseTo(0, 6);
    expect(cuff.y).toBeCloseTo(100, 6);
    const mid = sleeveSource(fit, { x: 50, y: 75 });
    expect(mid.x).toBeCloseTo(50, 6);
  });
});
