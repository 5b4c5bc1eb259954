/**
 * The `k` best rows offered so far, by score (higher first; on equal scores the lower row first): a bounded binary
 * heap over typed arrays whose root is the worst row kept, so a query selects its top rows in O(n log k) without
 * scoring into, or sorting, an array of every row. Reusable: {@link reset} keeps the buffers.
 */
export class TopK {
  private rows: Int32Array;
  private scores: Float64Array;
  private count = 0;
  private limit = 0;

  constructor(capacity = 64) {
    this.rows = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  /** Empties the selection and sets how many rows it keeps. */
  reset(k: number): this {
    if (k > this.rows.length) {
      this.rows = new Int32Array(k);
      this.scores = new Float64Array(k);
    }
    this.limit = Math.max(0, Math.floor(k));
    this.count = 0;
    return this;
  }

  /** Number of rows kept. */
  get size(): number {
    return this.count;
  }

  /** True when `k` rows are kept (a new row must then beat {@link threshold}). */
  get full(): boolean {
    return this.count >= this.limit;
  }

  /** The score of the worst kept row when full, else -Infinity: a lower bound of the k-th best score. */
  get threshold(): number {
    return this.count >= this.limit && this.limit > 0 ? (this.scores[0] as number) : -Infinity;
  }

  /** True when a row with this score and row number would be kept. */
  wouldKeep(row: number, score: number): boolean {
    if (this.count < this.limit) return true;
    if (this.limit === 0) return false;
    const worst = this.scores[0] as number;
    return score > worst || (score === worst && row < (this.rows[0] as number));
  }

  /** Offers a row; returns true when it was kept. */
  offer(row: number, score: number): boolean {
    if (this.count < this.limit) {
      let at = this.count++;
      // Sift up: the worst row (lowest score, then highest row) rises to the root.
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(row, score, this.rows[parent] as number, this.scores[parent] as number)) break;
        this.rows[at] = this.rows[parent] as number;
        this.scores[at] = this.scores[parent] as number;
        at = parent;
      }
      this.rows[at] = row;
      this.scores[at] = score;
      return true;
    }
    if (!this.wouldKeep(row, score)) return false;
    this.siftDown(row, score);
    return true;
  }

  /** The kept rows, best first, with their scores. Leaves the selection empty. */
  drain(): { rows: number[]; values: number[] } {
    const n = this.count;
    const rows = new Array<number>(n);
    const values = new Array<number>(n);
    for (let i = n - 1; i >= 0; i--) {
      rows[i] = this.rows[0] as number;
      values[i] = this.scores[0] as number;
      const lastRow = this.rows[this.count - 1] as number;
      const lastScore = this.scores[this.count - 1] as number;
      this.count--;
      if (this.count > 0) this.siftDown(lastRow, lastScore);
    }
    return { rows, values };
  }

  /** Puts (row, score) at the root and sifts it down to its place. */
  private siftDown(row: number, score: number): void {
    const n = this.count;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && worse(this.rows[right] as number, this.scores[right] as number, this.rows[left] as number, this.scores[left] as number)) child = right;
      if (!worse(this.rows[child] as number, this.scores[child] as number, row, score)) break;
      this.rows[at] = this.rows[child] as number;
      this.scores[at] = this.scores[child] as number;
      at = child;
    }
    this.rows[at] = row;
    this.scores[at] = score;
  }
}

/** True when row a ranks below row b: a lower score, or the same score and a higher row. */
function worse(rowA: number, scoreA: number, rowB: number, scoreB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && rowA > rowB);
}
