/**
 * Ids of a fixed list of words without a JavaScript string per word: the words' UTF-8 bytes in one buffer, where each
 * starts, and an open-addressing hash table of their ids. Read back from a file in a few milliseconds, where building
 * a `Map` of 341,479 words took most of a second, in every process and test file that loads word vectors.
 */
export class WordIndex {
  private constructor(
    /** The words' UTF-8 bytes, one after another. */
    private readonly bytes: Uint8Array,
    /** Where word i starts in {@link bytes} (and, at i + 1, ends). */
    private readonly starts: Uint32Array,
    /** Hash slots: 0 empty, else a word's id + 1; a power of two at least twice the words. */
    private readonly slots: Uint32Array,
  ) {}

  /** The index of `words` (word i gets id i; a repeated word keeps its first id). */
  static build(words: readonly string[]): WordIndex {
    const encoded = words.map((w) => Buffer.from(w, 'utf8'));
    const starts = new Uint32Array(words.length + 1);
    encoded.forEach((w, i) => (starts[i + 1] = (starts[i] as number) + w.length));
    const bytes = new Uint8Array(starts[words.length] as number);
    encoded.forEach((w, i) => bytes.set(w, starts[i] as number));
    let size = 2;
    while (size < 2 * words.length) size *= 2;
    const index = new WordIndex(bytes, starts, new Uint32Array(size));
    encoded.forEach((w, i) => index.place(w, i));
    return index;
  }

  /** The index from the arrays {@link parts} gave. */
  static fromParts(parts: { bytes: Uint8Array; starts: Uint32Array; slots: Uint32Array }): WordIndex {
    return new WordIndex(parts.bytes, parts.starts, parts.slots);
  }

  /** The arrays the index is made of, to store (see {@link fromParts}). */
  get parts(): { bytes: Uint8Array; starts: Uint32Array; slots: Uint32Array } {
    return { bytes: this.bytes, starts: this.starts, slots: this.slots };
  }

  /** Number of words. */
  get size(): number {
    return this.starts.length - 1;
  }

  /** The id of `word`, or undefined when it is not in the list. */
  idOf(word: string): number | undefined {
    const key = Buffer.from(word, 'utf8');
    const mask = this.slots.length - 1;
    for (let at = hashOf(key) & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at] as number;
      if (slot === 0) return undefined;
      if (this.holds(slot - 1, key)) return slot - 1;
    }
  }

  private place(key: Uint8Array, id: number): void {
    const mask = this.slots.length - 1;
    for (let at = hashOf(key) & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at] as number;
      if (slot === 0) {
        this.slots[at] = id + 1;
        return;
      }
      if (this.holds(slot - 1, key)) return;
    }
  }

  /** Whether word `id`'s bytes are `key`. */
  private holds(id: number, key: Uint8Array): boolean {
    const start = this.starts[id] as number;
    if ((this.starts[id + 1] as number) - start !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.bytes[start + i] !== key[i]) return false;
    return true;
  }
}

/** FNV-1a over bytes, 32 bits. */
function hashOf(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}
