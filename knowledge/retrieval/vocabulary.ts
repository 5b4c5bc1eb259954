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
  private constructor(
    private readonly ids: Map<string, number>,
    private readonly idf: Float32Array,
    /** Number of documents the vocabulary was learned from. */
    readonly documents: number,
  ) {}

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

  /** Writes the vocabulary into a model artefact under `name` (features in id order, IDF, document count). */
  write(writer: ArtefactWriter, name: string): void {
    writer.strings(`${name}.features`, [...this.ids.keys()]).array(`${name}.idf`, this.idf).fact(`${name}.documents`, this.documents);
  }

  /** Reads a vocabulary written by {@link write}: the same ids, IDF and vectors. */
  static read(reader: ArtefactReader, name: string): Vocabulary {
    const features = reader.strings(`${name}.features`);
    const ids = new Map<string, number>();
    for (let i = 0; i < features.length; i++) ids.set(features[i] as string, i);
    return new Vocabulary(ids, reader.array(`${name}.idf`, 'f32'), reader.fact<number>(`${name}.documents`) ?? 0);
  }

  /** Number of features. */
  get size(): number {
    return this.ids.size;
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
