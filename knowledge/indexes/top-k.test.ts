import { seededRandom } from '../embeddings/linalg.js';
import { TopK } from './top-k.js';

describe('TopK', () => {
  it('keeps the k best offers, best first, lower row first on equal scores', () => {
    const random = seededRandom(5);
    const top = new TopK(4);
    for (const k of [1, 3, 10, 64]) {
      const offers = Array.from({ length: 500 }, (_, row) => ({ row, score: Math.round(random() * 40) / 4 }));
      top.reset(k);
      for (const { row, score } of offers) top.offer(row, score);
      const expected = [...offers].sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
      expect(top.drain()).toEqual({ rows: expected.map((o) => o.row), values: expected.map((o) => o.score) });
    }
  });

  it('reports its threshold once full and which offers it would keep', () => {
    const top = new TopK().reset(2);
    expect(top.threshold).toBe(-Infinity);
    expect(top.offer(7, 1)).toBe(true);
    expect(top.full).toBe(false);
    top.offer(3, 5);
    expect(top.full).toBe(true);
    expect(top.threshold).toBe(1);
    expect(top.wouldKeep(8, 1)).toBe(false);
    expect(top.wouldKeep(2, 1)).toBe(true);
    expect(top.offer(9, 0.5)).toBe(false);
    expect(top.offer(1, 1)).toBe(true);
    expect(top.drain()).toEqual({ rows: [3, 1], values: [5, 1] });
    expect(top.size).toBe(0);
    expect(new TopK().reset(0).offer(1, 1)).toBe(false);
  });
});
