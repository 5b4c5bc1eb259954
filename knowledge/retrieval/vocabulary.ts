import type { SparseVec } from '../indexes/vector-index.js';
import type { ArtefactReader, ArtefactWriter } from '../model/artefact.js';

/** Options of {@link Vocabulary.fit}. */
export interface VocabularyOptions {
  /** Features seen in fewer documents are dropped (default 1: keep all). */
  minDf?: number;
  /** Minimum document frequency for word bigrams (`b:` features) only; default `minDf`. */
  minBigramDf?: number;
}

/**
 * A TF-IDF vocabulary learned from a corpus: feature → id and smoothed IDF. Vectors use sublinear term frequency and
 * unit length, so a dot product of two vectors is their cosine similarity.
 */
export class Vocabulary {
  /** Feature names by id, when the vocabulary was built from names (the id map is then built on first use). */
  private names: readonly string[] | undefined;
  private idMap: Map<string, number> | undefined;

  private constructor(
    ids: Map<string, number> | readonly string[],
    private readonly idf: Float32Array,
    /** Number of documents the vocabulary was learned from. */
    readonly documents: number,
  ) {
    if (Array.isArray(ids)) this.names = ids;
    else this.idMap = ids as Map<string, number>;
  }

  /** Feature → id (built from the names on first use: a fitted encoder resolves features through its own caches). */
  private get ids(): Map<string, number> {
    if (!this.idMap) {
      const names = this.names ?? [];
      const map = new Map<string, number>();
      for (let i = 0; i < names.length; i++) map.set(names[i] as string, i);
      this.idMap = map;
      this.names = undefined;
    }
    return this.idMap;
  }

  /** Feature names in id order. */
  private featureNames(): readonly string[] {
    return this.names ?? [...(this.idMap as Map<string, number>).keys()];
  }

  /** Learns the vocabulary from each document's features. */
  static fit(documents: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const counts = new Map<string, number>();
    let n = 0;
    for (const features of documents) {
      n++;
      for (const feature of new Set(features)) counts.set(feature, (counts.get(feature) ?? 0) + 1);
    }
    const minDf = options.minDf ?? 1;
    const minBigramDf = options.minBigramDf ?? minDf;
    const ids = new Map<string, number>();
    const idf: number[] = [];
    for (const [feature, df] of counts) {
      if (df < (feature.startsWith('b:') ? minBigramDf : minDf)) continue;
      ids.set(feature, ids.size);
      idf.push(Math.log((1 + n) / (1 + df)) + 1);
    }
    return new Vocabulary(ids, Float32Array.from(idf), n);
  }

  /**
   * The vocabulary of features interned in first-seen order (`names[id]`) with their document frequencies: the same
   * ids, in the same order, as {@link fit} over the same documents.
   */
  static fromCounts(names: readonly string[], df: (id: number) => number, documents: number, options: VocabularyOptions = {}): { vocabulary: Vocabulary; remap: Int32Array } {
    const minDf = options.minDf ?? 1;
    const minBigramDf = options.minBigramDf ?? minDf;
    const kept: string[] = [];
    const idf: number[] = [];
    const remap = new Int32Array(names.length).fill(-1);
    for (let i = 0; i < names.length; i++) {
      const feature = names[i] as string;
      const count = df(i);
      if (count < (feature.startsWith('b:') ? minBigramDf : minDf)) continue;
      remap[i] = kept.push(feature) - 1;
      idf.push(Math.log((1 + documents) / (1 + count)) + 1);
    }
    return { vocabulary: new Vocabulary(kept, Float32Array.from(idf), documents), remap };
  }

  /** The id of a feature, or −1 when it is not in the vocabulary. */
  idOf(feature: string): number {
    return this.ids.get(feature) ?? -1;
  }

  /** The unit TF-IDF vector of a document given as feature ids (as {@link vectorize} of the same features). */
  vectorizeIds(featureIds: readonly number[]): SparseVec {
    const sorted = Int32Array.from(featureIds).sort();
    const indices: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (let i = 0; i < sorted.length; ) {
      const id = sorted[i] as number;
      let j = i + 1;
      while (j < sorted.length && sorted[j] === id) j++;
      const w = (1 + Math.log(j - i)) * (this.idf[id] as number);
      indices.push(id);
      values.push(w);
      norm += w * w;
      i = j;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / norm;
    return { indices, values };
  }

  /** Writes the vocabulary into a model artefact under `name` (features in id order, IDF, document count). */
  write(writer: ArtefactWriter, name: string): void {
    writer.strings(`${name}.features`, this.featureNames()).array(`${name}.idf`, this.idf).fact(`${name}.documents`, this.documents);
  }

  /** Reads a vocabulary written by {@link write}: the same ids, IDF and vectors. */
  static read(reader: ArtefactReader, name: string): Vocabulary {
    return new Vocabulary(reader.strings(`${name}.features`), reader.array(`${name}.idf`, 'f32'), reader.fact<number>(`${name}.documents`) ?? 0);
  }

  /** Number of features. */
  get size(): number {
    return this.idf.length;
  }

  /** IDF of a feature id. */
  idfOf(id: number): number {
    return this.idf[id] ?? 0;
  }

  /** The unit TF-IDF vector of a document's features (indices ascending); unknown features are ignored. */
  vectorize(features: readonly string[]): SparseVec {
    const tf = new Map<number, number>();
    for (const feature of features) {
      const id = this.ids.get(feature);
      if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    const indices = Array.from(tf.keys()).sort((a, b) => a - b);
    const values = new Array<number>(indices.length);
    let norm = 0;
    for (let i = 0; i < indices.length; i++) {
      const id = indices[i] as number;
      const w = (1 + Math.log(tf.get(id) as number)) * (this.idf[id] as number);
      values[i] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / norm;
    return { indices, values };
  }
}

/** A sparse vector in typed arrays (indices ascending), as the in-memory stores keep them. */
export interface PackedSparse {
  indices: Uint32Array;
  values: Float32Array;
}

/** Packs a sparse vector into typed arrays. */
export function pack(vector: SparseVec): PackedSparse {
  return { indices: Uint32Array.from(vector.indices), values: Float32Array.from(vector.values) };
}

/** Dot product of two sparse vectors with ascending indices. */
export function sparseDot(a: SparseVec | PackedSparse, b: SparseVec | PackedSparse): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i] as number;
    const y = b.indices[j] as number;
    if (x === y) sum += (a.values[i++] as number) * (b.values[j++] as number);
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** Concatenates sparse vectors into one space, each scaled by its weight and shifted by its offset. */
export function concatSparse(parts: readonly { vector: SparseVec | PackedSparse; weight: number; offset: number }[]): SparseVec {
  const indices: number[] = [];
  const values: number[] = [];
  for (const { vector, weight, offset } of parts) {
    for (let i = 0; i < vector.indices.length; i++) {
      indices.push((vector.indices[i] as number) + offset);
      values.push((vector.values[i] as number) * weight);
    }
  }
  return { indices, values };
}
