/** An empty key of {@link FeatureSlots} (features are non-negative). */
const EMPTY = -1;

/**
 * Sparse feature ids → dense slots 0, 1, 2… in the order features are first seen: an open-addressing hash table
 * (linear probing) over typed arrays, so millions of look-ups while postings are built allocate nothing per feature.
 * Features must be integers in [0, 2³¹).
 */
export class FeatureSlots {
  private keys: Int32Array;
  private values: Int32Array;
  private count = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
  }

  /** Slots for `features`, in order (feature i gets slot i): what {@link FeatureSlots.bySlot} returned. */
  static of(features: Uint32Array): FeatureSlots {
    const slots = new FeatureSlots(features.length);
    for (const feature of features) slots.add(feature);
    return slots;
  }

  /** Every feature, by its slot. */
  bySlot(): Uint32Array {
    const features = new Uint32Array(this.count);
    for (let at = 0; at < this.keys.length; at++) {
      const key = this.keys[at] as number;
      if (key !== EMPTY) features[this.values[at] as number] = key;
    }
    return features;
  }

  /** Number of distinct features. */
  get size(): number {
    return this.count;
  }

  /** The slot of `feature`, or -1 when it was never added. */
  get(feature: number): number {
    if (!isFeature(feature)) return -1;
    const mask = this.keys.length - 1;
    for (let at = hash(feature) & mask; ; at = (at + 1) & mask) {
      const key = this.keys[at] as number;
      if (key === feature) return this.values[at] as number;
      if (key === EMPTY) return -1;
    }
  }

  /** The slot of `feature`, giving it the next free slot when it is new. */
  add(feature: number): number {
    if (!isFeature(feature)) throw new RangeError(`sparse feature ${feature} is not an integer in [0, 2^31)`);
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let at = hash(feature) & mask; ; at = (at + 1) & mask) {
      const key = this.keys[at] as number;
      if (key === feature) return this.values[at] as number;
      if (key === EMPTY) {
        this.keys[at] = feature;
        this.values[at] = this.count;
        return this.count++;
      }
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2).fill(EMPTY);
    this.values = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      if (key === EMPTY) continue;
      let at = hash(key) & mask;
      while (this.keys[at] !== EMPTY) at = (at + 1) & mask;
      this.keys[at] = key;
      this.values[at] = values[i] as number;
    }
  }
}

function isFeature(feature: number): boolean {
  return Number.isInteger(feature) && feature >= 0 && feature <= 0x7fffffff;
}

/** Fibonacci hashing: spreads consecutive feature ids over the table. */
function hash(feature: number): number {
  return Math.imul(feature, 0x9e3779b1) >>> 7;
}
