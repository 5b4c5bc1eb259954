/** Adam's settings (Kingma & Ba 2015). */
export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Adam's moments of one network, by weight name, plus the step count. */
export interface AdamState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

/** A fresh Adam state for weights of these lengths. */
export function newAdamState(lengths: Record<string, number>): AdamState {
  return {
    step: 0,
    m: Object.fromEntries(Object.entries(lengths).map(([name, n]) => [name, new Float32Array(n)])),
    v: Object.fromEntries(Object.entries(lengths).map(([name, n]) => [name, new Float32Array(n)])),
  };
}

/**
 * One Adam update in place: `weights[name] -= lr · m̂ / (√v̂ + ε)`. Plain arrays, so the state is checkpointed as is
 * and is the same whether the gradients came from worker threads or this one.
 */
export function adamStep(settings: AdamSettings, state: AdamState, weights: Record<string, Float32Array>, grads: Record<string, Float32Array>): void {
  state.step += 1;
  const { learningRate, beta1, beta2, epsilon } = settings;
  const c1 = 1 - beta1 ** state.step;
  const c2 = 1 - beta2 ** state.step;
  for (const [name, g] of Object.entries(grads)) {
    const w = weights[name]!;
    const m = state.m[name]!;
    const v = state.v[name]!;
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      w[i] = w[i]! - (learningRate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + epsilon);
    }
  }
}

/** A small seeded random generator (mulberry32) whose whole state is one number, so a checkpoint can store it. */
export class SeededRandom {
  constructor(public state: number) {}

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal values (Box–Muller). */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.next()));
      const a = 2 * Math.PI * this.next();
      out[i] = r * Math.cos(a);
      if (i + 1 < n) out[i + 1] = r * Math.sin(a);
    }
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}
