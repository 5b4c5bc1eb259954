import type { ProductRef } from './triggers.js';

/** A catalogue product recommendations may name (the try-on catalogue, or products seen in orders). */
export interface CatalogueItem {
  id: string;
  name: string;
  description?: string;
}

/** Options of {@link Recommender}. */
export interface RecommenderOptions {
  /** Weight of item similarity (name and description words) against co-purchase; default 0.35. */
  similarityWeight?: number;
}

const STOP = new Set(['the', 'a', 'an', 'in', 'of', 'and', 'with', 'for', 'on', 'to', 'fit']);

function wordsOf(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP.has(word) || word.length < 2) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  for (const [word, n] of a) dot += n * (b.get(word) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  const d = norm(a) * norm(b);
  return d ? dot / d : 0;
}

/**
 * Recommendations from purchase history: item-to-item co-purchase (how often two products share a basket,
 * normalised by their popularity: count(i,j) / √(count(i)·count(j))) blended with item similarity over the
 * catalogue's names and descriptions (cosine of word counts), so a product nobody bought yet can still be suggested.
 */
export class Recommender {
  private readonly catalogue = new Map<string, CatalogueItem>();
  private readonly bought = new Map<string, number>();
  private readonly together = new Map<string, Map<string, number>>();
  private readonly words = new Map<string, Map<string, number>>();
  private readonly similarityWeight: number;

  /** `baskets`: the products of each order (every customer's); `catalogue`: products that may be recommended. */
  constructor(baskets: readonly (readonly ProductRef[])[], catalogue: readonly CatalogueItem[], options: RecommenderOptions = {}) {
    this.similarityWeight = options.similarityWeight ?? 0.35;
    for (const item of catalogue) this.catalogue.set(item.id, item);
    for (const basket of baskets) {
      const ids = [...new Set(basket.map((p) => p.id))];
      for (const product of basket) if (!this.catalogue.has(product.id)) this.catalogue.set(product.id, { id: product.id, name: product.name });
      for (const id of ids) {
        this.bought.set(id, (this.bought.get(id) ?? 0) + 1);
        const row = this.together.get(id) ?? new Map<string, number>();
        for (const other of ids) if (other !== id) row.set(other, (row.get(other) ?? 0) + 1);
        this.together.set(id, row);
      }
    }
    for (const item of this.catalogue.values()) this.words.set(item.id, wordsOf(`${item.name} ${item.description ?? ''}`));
  }

  /** Products scored against `seeds` (what the customer bought or looked at), best first, none of `exclude`. */
  recommend(seeds: readonly string[], limit: number, exclude: ReadonlySet<string> = new Set()): (CatalogueItem & { score: number })[] {
    if (!seeds.length || limit <= 0) return [];
    const scores = new Map<string, number>();
    for (const seed of new Set(seeds)) {
      const row = this.together.get(seed);
      for (const [other, n] of row ?? []) {
        const lift = n / Math.sqrt((this.bought.get(seed) ?? 1) * (this.bought.get(other) ?? 1));
        scores.set(other, (scores.get(other) ?? 0) + (1 - this.similarityWeight) * lift);
      }
      const seedWords = this.words.get(seed);
      if (!seedWords) continue;
      for (const [id, words] of this.words) {
        if (id === seed) continue;
        const similarity = cosine(seedWords, words);
        if (similarity > 0) scores.set(id, (scores.get(id) ?? 0) + this.similarityWeight * similarity);
      }
    }
    const skip = new Set([...exclude, ...seeds]);
    return [...scores.entries()]
      .filter(([id, score]) => !skip.has(id) && score > 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([id, score]) => ({ ...(this.catalogue.get(id) as CatalogueItem), score: Number(score.toFixed(4)) }));
  }
}
