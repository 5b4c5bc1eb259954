import type { SparseVec } from '../indexes/vector-index.js';
import { wordFeatures } from '../retrieval/text.js';
import { Vocabulary } from '../retrieval/vocabulary.js';
import { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { runStepsInBackground, type Steps } from '../steps.js';
import type { Embedder } from './embedder.js';
import {
  gaussian,
  orthonormalizeColumns,
  seededRandom,
  sparseTimesDense,
  sparseTransposeTimesDense,
  symmetricEigen,
} from './linalg.js';

/** Options of {@link LsaEmbedder}. */
export interface LsaOptions {
  /** Embedding size; default 64 (fewer when the corpus is small). */
  dims?: number;
  /** At most this many documents are used to learn the projection; default 20,000. */
  sampleSize?: number;
  /** Power iterations of the randomized SVD; default 2. */
  powerIterations?: number;
}

/**
 * Latent semantic analysis learned from the ticket corpus at ingest time: a randomized truncated SVD of the TF-IDF
 * matrix of stemmed words, so words that occur in the same tickets ("dispatched", "shipped") land close together.
 * Needs no downloaded weights.
 */
export class LsaEmbedder implements Embedder {
  private vocabulary: Vocabulary | undefined;
  private projection: Float64Array = new Float64Array(0);
  private size = 0;

  constructor(private readonly options: LsaOptions = {}) {}

  get name(): string {
    return `lsa-${this.size}`;
  }

  get dims(): number {
    return this.size;
  }

  async fit(texts: readonly string[]): Promise<void> {
    const sampleSize = this.options.sampleSize ?? 20_000;
    const step = Math.max(1, texts.length / sampleSize);
    const sample: string[] = [];
    for (let i = 0; i < texts.length && sample.length < sampleSize; i += step) sample.push(texts[Math.floor(i)] as string);
    const features = sample.map((text) => wordFeatures(text).filter((f) => f.startsWith('w:')));
    this.vocabulary = Vocabulary.fit(features, { minDf: 2 });
    const rows = features.map((f) => (this.vocabulary as Vocabulary).vectorize(f));
    const cols = this.vocabulary.size;
    const k = Math.max(1, Math.min(this.options.dims ?? 64, cols - 1, rows.length - 1));
    this.size = k;
    if (cols < 2 || rows.length < 2) {
      this.projection = new Float64Array(cols * k);
      return;
    }
    this.projection = await runStepsInBackground(randomizedRightSingularVectors(rows, cols, k, this.options.powerIterations ?? 2));
  }

  /** The learned state (vocabulary and projection) as bytes; restored with {@link withState}. */
  state(): Uint8Array {
    const writer = new ArtefactWriter().fact('lsa.size', this.size).fact('lsa.fitted', Boolean(this.vocabulary)).array('lsa.projection', this.projection);
    this.vocabulary?.write(writer, 'lsa.vocabulary');
    return writer.toBytes();
  }

  /** A new embedder with this one's options and the state written by {@link state}: it embeds exactly as that one. */
  withState(state: Uint8Array): LsaEmbedder {
    const reader = new ArtefactReader(state);
    const restored = new LsaEmbedder(this.options);
    restored.size = reader.fact<number>('lsa.size') ?? 0;
    restored.projection = reader.array('lsa.projection', 'f64');
    if (reader.fact<boolean>('lsa.fitted')) restored.vocabulary = Vocabulary.read(reader, 'lsa.vocabulary');
    return restored;
  }

  /** A new, unfitted embedder with the same options (a refit learns into it while this one keeps answering). */
  unfitted(): LsaEmbedder {
    return new LsaEmbedder(this.options);
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  /** Synchronous embedding of one text (the embedded path needs no I/O). */
  embedOne(text: string): number[] {
    const out = new Array<number>(this.size).fill(0);
    if (!this.vocabulary) return out;
    const vector: SparseVec = this.vocabulary.vectorize(wordFeatures(text).filter((f) => f.startsWith('w:')));
    vector.indices.forEach((col, i) => {
      const v = vector.values[i] as number;
      for (let j = 0; j < this.size; j++) out[j] = (out[j] as number) + v * (this.projection[col * this.size + j] as number);
    });
    return out;
  }
}

/**
 * The top-k right singular vectors of the sparse matrix (cols × k, row-major), by randomized SVD (Halko et al.); as
 * steps that may pause between its products.
 */
function* randomizedRightSingularVectors(rows: readonly SparseVec[], cols: number, k: number, powerIterations: number): Steps<Float64Array> {
  const oversampled = Math.min(k + 10, rows.length, cols);
  const random = seededRandom(7261);
  const omega = Float64Array.from({ length: cols * oversampled }, () => gaussian(random));
  let y = sparseTimesDense(rows, omega, oversampled);
  orthonormalizeColumns(y, rows.length, oversampled);
  yield;
  for (let i = 0; i < powerIterations; i++) {
    const z = sparseTransposeTimesDense(rows, y, oversampled, cols);
    orthonormalizeColumns(z, cols, oversampled);
    yield;
    y = sparseTimesDense(rows, z, oversampled);
    orthonormalizeColumns(y, rows.length, oversampled);
    yield;
  }
  // B = Yᵀ A (oversampled × cols), stored transposed as cols × oversampled.
  const bt = sparseTransposeTimesDense(rows, y, oversampled, cols);
  yield;
  // B Bᵀ = btᵀ bt (oversampled²); its eigenvectors give B's left singular vectors.
  const gram = new Float64Array(oversampled * oversampled);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < oversampled; i++) {
      const bi = bt[c * oversampled + i] as number;
      if (bi === 0) continue;
      for (let j = 0; j < oversampled; j++) gram[i * oversampled + j] = (gram[i * oversampled + j] as number) + bi * (bt[c * oversampled + j] as number);
    }
  }
  yield;
  const { values, vectors } = symmetricEigen(gram, oversampled);
  yield;
  // Right singular vectors: V = Bᵀ U Σ⁻¹ (cols × k).
  const projection = new Float64Array(cols * k);
  for (let c = 0; c < cols; c++) {
    for (let j = 0; j < k; j++) {
      const sigma = Math.sqrt(Math.max(values[j] as number, 1e-12));
      let sum = 0;
      for (let i = 0; i < oversampled; i++) sum += (bt[c * oversampled + i] as number) * (vectors[i * oversampled + j] as number);
      projection[c * k + j] = sum / sigma;
    }
  }
  return projection;
}
