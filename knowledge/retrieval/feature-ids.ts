import { isStopword, stem, words } from './text.js';

/** Caches above this many entries are dropped (queries full of typos must not grow memory without bound). */
const CACHE_LIMIT = 1_000_000;

/** A text's tokens and the ids of their stems (for word features). */
export interface Tokens {
  tokens: string[];
  stems: Int32Array;
}

/**
 * Interns the stems of tokens: a text is split once, and every token is stemmed once per distinct token. The
 * per-token and per-stem caches below turn a text into feature ids with one map lookup per token instead of one
 * string (and its hashing) per n-gram — the features, their order and their ids are exactly those of
 * `wordFeatures` and `charFeatures`.
 */
export class StemTable {
  private readonly stemOfToken = new Map<string, number>();
  private readonly stemIds = new Map<string, number>();
  /** Stems by id. */
  readonly stems: string[] = [];
  /** Per stem id: 1 when it is a stopword. */
  stop = new Uint8Array(1024);

  /** Tokens of `text` and their stem ids. */
  tokenize(text: string): Tokens {
    const tokens = words(text);
    const stems = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) stems[i] = this.stemId(tokens[i] as string);
    return { tokens, stems };
  }

  private stemId(token: string): number {
    let id = this.stemOfToken.get(token);
    if (id !== undefined) return id;
    const stemmed = stem(token);
    id = this.stemIds.get(stemmed);
    if (id === undefined) {
      id = this.stems.push(stemmed) - 1;
      this.stemIds.set(stemmed, id);
      if (id >= this.stop.length) {
        const grown = new Uint8Array(this.stop.length * 2);
        grown.set(this.stop);
        this.stop = grown;
      }
      this.stop[id] = isStopword(stemmed) ? 1 : 0;
    }
    if (this.stemOfToken.size >= CACHE_LIMIT) this.stemOfToken.clear();
    this.stemOfToken.set(token, id);
    return id;
  }
}

/** Resolves a feature name to an id (−1: not in the vocabulary); an interner assigns new ids instead. */
export type Resolve = (feature: string) => number;

/** Word feature ids (`w:` unigrams without stopwords, then `b:` bigrams over all stems), cached per stem and stem pair. */
export class WordFeatureIds {
  private unigram = new Int32Array(1024).fill(-2);
  private bigram = new Map<number, number>();
  /** True while the caches hold every feature of the vocabulary (a miss is then an unknown feature). */
  private complete = false;

  constructor(
    private readonly table: StemTable,
    private readonly resolve: Resolve,
  ) {}

  /**
   * The same caches with ids mapped through `remap` (interned id → vocabulary id, −1 dropped) for a vocabulary
   * fitted from exactly the features these caches interned: every feature is cached, so nothing is looked up again.
   */
  remapped(remap: Int32Array, resolve: Resolve): WordFeatureIds {
    const out = new WordFeatureIds(this.table, resolve);
    out.unigram = this.unigram.map((id) => (id >= 0 ? (remap[id] as number) : id));
    for (const [key, id] of this.bigram) out.bigram.set(key, id >= 0 ? (remap[id] as number) : id);
    out.complete = true;
    return out;
  }

  /** Ids of the word features of a tokenized text, in `wordFeatures` order; unknown features are left out. */
  ids(text: Tokens, out: number[] = []): number[] {
    const { stems } = text;
    for (let i = 0; i < stems.length; i++) {
      const s = stems[i] as number;
      if (this.table.stop[s]) continue;
      const id = this.unigramId(s);
      if (id >= 0) out.push(id);
    }
    for (let i = 0; i + 1 < stems.length; i++) {
      const a = stems[i] as number;
      const b = stems[i + 1] as number;
      const key = a * 67_108_864 + b;
      let id = this.bigram.get(key);
      if (id === undefined) {
        if (this.complete) continue;
        id = this.resolve(`b:${this.table.stems[a] as string}_${this.table.stems[b] as string}`);
        if (this.bigram.size >= CACHE_LIMIT) this.bigram.clear();
        this.bigram.set(key, id);
      }
      if (id >= 0) out.push(id);
    }
    return out;
  }

  private unigramId(s: number): number {
    if (s >= this.unigram.length) {
      const grown = new Int32Array(Math.max(s + 1, this.unigram.length * 2)).fill(-2);
      grown.set(this.unigram);
      this.unigram = grown;
    }
    let id = this.unigram[s] as number;
    if (id === -2 && this.complete) return -1;
    if (id === -2) this.unigram[s] = id = this.resolve(`w:${this.table.stems[s] as string}`);
    return id;
  }
}

/** Character n-gram ids (3–5 inside word boundaries), cached per token. */
export class CharFeatureIds {
  private byToken = new Map<string, Int32Array>();

  constructor(
    private readonly resolve: Resolve,
    private readonly min = 3,
    private readonly max = 5,
  ) {}

  /** The same per-token cache with ids mapped through `remap` (see {@link WordFeatureIds.remapped}). */
  remapped(remap: Int32Array, resolve: Resolve): CharFeatureIds {
    const out = new CharFeatureIds(resolve, this.min, this.max);
    for (const [token, ids] of this.byToken) out.byToken.set(token, ids.map((id) => remap[id] as number).filter((id) => id >= 0));
    return out;
  }

  /** Ids of the character n-grams of a tokenized text, in `charFeatures` order; unknown ones are left out. */
  ids(text: Tokens, out: number[] = []): number[] {
    for (const token of text.tokens) {
      let ids = this.byToken.get(token);
      if (ids === undefined) {
        ids = this.tokenIds(token);
        if (this.byToken.size >= CACHE_LIMIT) this.byToken.clear();
        this.byToken.set(token, ids);
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i] as number);
    }
    return out;
  }

  private tokenIds(token: string): Int32Array {
    const padded = ` ${token} `;
    const ids: number[] = [];
    for (let n = this.min; n <= this.max; n++) {
      for (let i = 0; i + n <= padded.length; i++) {
        const id = this.resolve(`c:${padded.slice(i, i + n)}`);
        if (id >= 0) ids.push(id);
      }
    }
    return Int32Array.from(ids);
  }
}

/** Assigns ids to feature names in first-seen order (fitting a vocabulary). */
export class FeatureInterner {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  readonly intern: Resolve = (feature) => {
    let id = this.ids.get(feature);
    if (id === undefined) {
      id = this.names.push(feature) - 1;
      this.ids.set(feature, id);
    }
    return id;
  };
}

/** Document frequencies of interned features, counted one document at a time. */
export class DocumentFrequencies {
  private counts = new Int32Array(1024);
  private stamps = new Int32Array(1024).fill(-1);
  documents = 0;

  /** Counts each distinct id of one document once. */
  add(ids: readonly number[]): void {
    const doc = this.documents++;
    for (const id of ids) {
      if (id >= this.counts.length) this.grow(id + 1);
      if (this.stamps[id] === doc) continue;
      this.stamps[id] = doc;
      this.counts[id] = (this.counts[id] as number) + 1;
    }
  }

  /** Document frequency of an id. */
  of(id: number): number {
    return this.counts[id] ?? 0;
  }

  private grow(size: number): void {
    const length = Math.max(size, this.counts.length * 2);
    const counts = new Int32Array(length);
    counts.set(this.counts);
    const stamps = new Int32Array(length).fill(-1);
    stamps.set(this.stamps);
    this.counts = counts;
    this.stamps = stamps;
  }
}
