import { normalize, termCounts, type SparseVector } from './sparse.js';

/**
 * A TF-IDF vector space with an inverted index: sublinear term frequency, smoothed IDF, unit-length vectors, so the
 * score of a document is the cosine similarity with the query (0–1).
 */
export class FeatureSpace {
  private readonly vocabulary = new Map<string, number>();
  private idf: Float64Array = new Float64Array(0);
  private postingDocs: Uint32Array[] = [];
  private postingWeights: Float32Array[] = [];
  private documentCount = 0;

  /** Builds the space from each document's features. */
  constructor(documents: readonly (readonly string[])[]) {
    const df: number[] = [];
    const docCounts = documents.map((features) => {
      const counts = termCounts(features);
      for (const feature of counts.keys()) {
        let id = this.vocabulary.get(feature);
        if (id === undefined) {
          id = this.vocabulary.size;
          this.vocabulary.set(feature, id);
          df.push(0);
        }
        df[id] = (df[id] ?? 0) + 1;
      }
      return counts;
    });
    this.documentCount = documents.length;
    this.idf = Float64Array.from(df, (d) => Math.log((1 + this.documentCount) / (1 + d)) + 1);

    const docs: number[][] = df.map(() => []);
    const weights: number[][] = df.map(() => []);
    docCounts.forEach((counts, doc) => {
      for (const [id, w] of this.weigh(counts)) {
        docs[id]?.push(doc);
        weights[id]?.push(w);
      }
    });
    this.postingDocs = docs.map((d) => Uint32Array.from(d));
    this.postingWeights = weights.map((w) => Float32Array.from(w));
  }

  private weigh(counts: Map<string, number>): SparseVector {
    const vector: SparseVector = new Map();
    for (const [feature, tf] of counts) {
      const id = this.vocabulary.get(feature);
      if (id === undefined) continue;
      vector.set(id, (1 + Math.log(tf)) * (this.idf[id] ?? 0));
    }
    return normalize(vector);
  }

  /** The query's unit vector; features never seen in the documents are ignored. */
  vectorize(features: readonly string[]): SparseVector {
    return this.weigh(termCounts(features));
  }

  /** Adds `weight × cosine(query, doc)` to `scores[doc]` for every document sharing a feature with the query. */
  accumulate(query: SparseVector, scores: Float32Array, weight = 1): void {
    for (const [id, qw] of query) {
      const docs = this.postingDocs[id];
      const ws = this.postingWeights[id];
      if (!docs || !ws) continue;
      const factor = qw * weight;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] as number;
        scores[doc] = (scores[doc] as number) + factor * (ws[i] as number);
      }
    }
  }

  /** Number of documents in the space. */
  get size(): number {
    return this.documentCount;
  }
}
