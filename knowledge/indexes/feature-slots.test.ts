import { seededRandom } from '../embeddings/linalg.js';
import { FeatureSlots } from './feature-slots.js';

describe('FeatureSlots', () => {
  it('numbers features 0, 1, 2… in the order first added, across growth, like a Map', () => {
    const slots = new FeatureSlots(2);
    const reference = new Map<number, number>();
    const random = seededRandom(3);
    for (let i = 0; i < 20_000; i++) {
      // Dense ids, ids far above them (an offset space) and repeats.
      const feature = i % 3 === 0 ? (1 << 24) + Math.floor(random() * 5_000) : Math.floor(random() * 30_000);
      if (!reference.has(feature)) reference.set(feature, reference.size);
      expect(slots.add(feature)).toBe(reference.get(feature));
    }
    expect(slots.size).toBe(reference.size);
    for (const [feature, slot] of reference) expect(slots.get(feature)).toBe(slot);
  });

  it('answers -1 for features never added, including ones it cannot hold', () => {
    const slots = new FeatureSlots();
    slots.add(0);
    slots.add(7);
    expect([slots.get(0), slots.get(7), slots.get(8), slots.get(-1), slots.get(1.5), slots.get(2 ** 32)]).toEqual([0, 1, -1, -1, -1, -1]);
    expect(() => slots.add(-1)).toThrow(RangeError);
  });

  it('lists its features by slot, and rebuilds the same slots from that list', () => {
    const slots = new FeatureSlots();
    for (const feature of [40, 3, 1 << 24, 3, 7, 40]) slots.add(feature);
    expect([...slots.bySlot()]).toEqual([40, 3, 1 << 24, 7]);
    const copy = FeatureSlots.of(slots.bySlot());
    expect([copy.get(40), copy.get(3), copy.get(1 << 24), copy.get(7), copy.get(8), copy.size]).toEqual([0, 1, 2, 3, -1, 4]);
  });
});
