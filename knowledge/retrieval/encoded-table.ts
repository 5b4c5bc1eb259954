import type { EncodedTicket } from './ticket-encoder.js';
import type { SparseVec } from '../indexes/vector-index.js';
import type { PackedSparse } from './vocabulary.js';

/** Elements per block of the table (16 MB of indices and 16 MB of values); a larger ticket gets a block of its own. */
const BLOCK = 1 << 22;
/** A ticket's vectors in a row: question words, question character n-grams, answer words, word-vector mean (may be empty). */
export type EncodedPart = 0 | 1 | 2 | 3;
/** Vectors per ticket ({@link EncodedPart}). */
const PARTS = 4;

/** Rows the per-row arrays start with (they double as rows are added). */
const INITIAL_ROWS = 1_024;

/**
 * The packed vectors of every ticket (question words, question character n-grams, answer words, and the mean word
 * vector of its question when the encoder has word vectors), kept in a few
 * large typed-array blocks instead of six small typed arrays per ticket: a million tickets then hold a handful of
 * objects on the JavaScript heap rather than millions (each small typed array costs ~200 bytes of heap besides its
 * data). {@link get} returns views on the blocks. A replaced or deleted ticket's elements become garbage, reclaimed
 * by compaction once the garbage outweighs the live elements.
 */
export class EncodedTicketTable {
  private readonly rowOf = new Map<string, number>();
  private indexBlocks: Uint32Array[] = [];
  private valueBlocks: Float32Array[] = [];
  /** Elements used in the last block. */
  private used = 0;
  /** Per row: its block, its first element, and the lengths of its {@link PARTS} vectors. */
  private rowBlock = new Uint32Array(INITIAL_ROWS);
  private rowStart = new Uint32Array(INITIAL_ROWS);
  private rowLengths = new Uint32Array(PARTS * INITIAL_ROWS);
  private rows = 0;
  private readonly freeRows: number[] = [];
  private liveElements = 0;
  private garbageElements = 0;

  /** Number of tickets held. */
  get size(): number {
    return this.rowOf.size;
  }

  /** Elements held for live tickets and elements waiting for compaction (for tests and status). */
  get elements(): { live: number; garbage: number } {
    return { live: this.liveElements, garbage: this.garbageElements };
  }

  /** Stores (a copy of) a ticket's vectors, replacing any it had. */
  set(id: string, encoded: EncodedTicket): void {
    const parts = [encoded.words, encoded.chars, encoded.answerWords, encoded.meaning ?? NO_MEANING] as const;
    const length = parts.reduce((sum, part) => sum + part.indices.length, 0);
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.freeRows.pop() ?? this.addRow();
      this.rowOf.set(id, row);
    } else this.release(row);
    const block = this.reserve(length);
    const indices = this.indexBlocks[block] as Uint32Array;
    const values = this.valueBlocks[block] as Float32Array;
    const start = this.used;
    let at = start;
    parts.forEach((part, i) => {
      indices.set(part.indices, at);
      values.set(part.values, at);
      at += part.indices.length;
      this.rowLengths[PARTS * row + i] = part.indices.length;
    });
    this.rowBlock[row] = block;
    this.rowStart[row] = start;
    this.used = at;
    this.liveElements += length;
    this.compactIfWasteful();
  }

  /** A ticket's vectors (views on the table's blocks, valid until the ticket is next set or deleted). */
  get(id: string): EncodedTicket | undefined {
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    const indices = this.indexBlocks[this.rowBlock[row] as number] as Uint32Array;
    const values = this.valueBlocks[this.rowBlock[row] as number] as Float32Array;
    let at = this.rowStart[row] as number;
    const view = (i: number): PackedSparse => {
      const end = at + (this.rowLengths[PARTS * row + i] as number);
      const part = { indices: indices.subarray(at, end), values: values.subarray(at, end) };
      at = end;
      return part;
    };
    const words = view(0);
    const chars = view(1);
    const answerWords = view(2);
    const meaning = view(3);
    return { words, chars, answerWords, ...(meaning.indices.length ? { meaning } : {}) };
  }

  /**
   * The dot product of a ticket's vector `part` with `vector` (indices ascending), read in place: what
   * `sparseDot(get(id)[part], vector)` gives, the same products summed in the same order, without {@link get}'s six
   * views (ranking computes tens of these per query, and the views were most of what a query allocated). Undefined
   * for a ticket not held.
   */
  dot(id: string, part: EncodedPart, vector: SparseVec | PackedSparse): number | undefined {
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    const block = this.rowBlock[row] as number;
    const from = this.partStart(row, part);
    return sparseDotAt(this.indexBlocks[block] as Uint32Array, this.valueBlocks[block] as Float32Array, from, from + (this.rowLengths[PARTS * row + part] as number), vector.indices, vector.values, 0, vector.indices.length);
  }

  /** The dot product of two held tickets' vectors `part`, read in place as {@link dot}; undefined when either is not held. */
  dotBetween(a: string, b: string, part: EncodedPart): number | undefined {
    const rowA = this.rowOf.get(a);
    const rowB = this.rowOf.get(b);
    if (rowA === undefined || rowB === undefined) return undefined;
    const blockA = this.rowBlock[rowA] as number;
    const blockB = this.rowBlock[rowB] as number;
    const fromA = this.partStart(rowA, part);
    const fromB = this.partStart(rowB, part);
    return sparseDotAt(
      this.indexBlocks[blockA] as Uint32Array,
      this.valueBlocks[blockA] as Float32Array,
      fromA,
      fromA + (this.rowLengths[PARTS * rowA + part] as number),
      this.indexBlocks[blockB] as Uint32Array,
      this.valueBlocks[blockB] as Float32Array,
      fromB,
      fromB + (this.rowLengths[PARTS * rowB + part] as number),
    );
  }

  /** Where vector `part` of `row` starts in its block. */
  private partStart(row: number, part: EncodedPart): number {
    let start = this.rowStart[row] as number;
    for (let i = 0; i < part; i++) start += this.rowLengths[PARTS * row + i] as number;
    return start;
  }

  /** Forgets a ticket's vectors; false when it had none. */
  delete(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    this.release(row);
    this.rowOf.delete(id);
    this.freeRows.push(row);
    this.compactIfWasteful();
    return true;
  }

  /** Marks a row's elements as garbage. */
  private release(row: number): void {
    const length = this.rowLength(row);
    this.liveElements -= length;
    this.garbageElements += length;
    this.rowLengths.fill(0, PARTS * row, PARTS * row + PARTS);
  }

  /** Elements of a row's vectors. */
  private rowLength(row: number): number {
    let length = 0;
    for (let i = 0; i < PARTS; i++) length += this.rowLengths[PARTS * row + i] as number;
    return length;
  }

  private addRow(): number {
    if (this.rows === this.rowBlock.length) {
      this.rowBlock = doubled(this.rowBlock);
      this.rowStart = doubled(this.rowStart);
      this.rowLengths = doubled(this.rowLengths);
    }
    return this.rows++;
  }

  /** The block `length` more elements go into (a new one when the last is full); `used` is where they start. */
  private reserve(length: number): number {
    const last = this.indexBlocks.length - 1;
    if (last >= 0 && this.used + length <= (this.indexBlocks[last] as Uint32Array).length) return last;
    const size = Math.max(BLOCK, length);
    this.indexBlocks.push(new Uint32Array(size));
    this.valueBlocks.push(new Float32Array(size));
    this.used = 0;
    return this.indexBlocks.length - 1;
  }

  /** Copies the live rows into new blocks when garbage outweighs them (and fills more than a block). */
  private compactIfWasteful(): void {
    if (this.garbageElements <= Math.max(BLOCK, this.liveElements)) return;
    this.compact();
  }

  /** Rewrites every live row into fresh blocks (straight from the old ones), dropping the garbage. */
  compact(): void {
    const indexBlocks = this.indexBlocks;
    const valueBlocks = this.valueBlocks;
    this.indexBlocks = [];
    this.valueBlocks = [];
    this.used = 0;
    this.garbageElements = 0;
    for (const row of this.rowOf.values()) {
      const length = this.rowLength(row);
      const from = this.rowStart[row] as number;
      const old = this.rowBlock[row] as number;
      const block = this.reserve(length);
      (this.indexBlocks[block] as Uint32Array).set((indexBlocks[old] as Uint32Array).subarray(from, from + length), this.used);
      (this.valueBlocks[block] as Float32Array).set((valueBlocks[old] as Float32Array).subarray(from, from + length), this.used);
      this.rowBlock[row] = block;
      this.rowStart[row] = this.used;
      this.used += length;
    }
  }
}

/** The empty fourth part of a ticket encoded without word vectors. */
const NO_MEANING: PackedSparse = { indices: new Uint32Array(0), values: new Float32Array(0) };

function doubled(array: Uint32Array): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/**
 * `sparseDot` of the vectors at `a[i, iEnd)` and `b[j, jEnd)` (indices ascending in each): the same products, summed
 * in the same order.
 */
function sparseDotAt(aIndices: ArrayLike<number>, aValues: ArrayLike<number>, i: number, iEnd: number, bIndices: ArrayLike<number>, bValues: ArrayLike<number>, j: number, jEnd: number): number {
  let sum = 0;
  while (i < iEnd && j < jEnd) {
    const x = aIndices[i] as number;
    const y = bIndices[j] as number;
    if (x === y) sum += (aValues[i++] as number) * (bValues[j++] as number);
    else if (x < y) i++;
    else j++;
  }
  return sum;
}
