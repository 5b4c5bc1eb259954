import type { SqlDriver } from './sql-driver.js';
import type { Row } from './rows.js';

/**
 * Default of the message rows one store instance keeps (some 1–2 KB each), over all conversations; the least recently
 * read conversations are forgotten first.
 */
const KEPT_ROWS = 20_000;

/** Every message row of a conversation, in order. */
const ALL_ROWS = 'SELECT * FROM messages WHERE conversation_id = $1 ORDER BY seq';

/**
 * One statement, so one snapshot: how many message rows the conversation has and the sum of their `seq`, and its rows
 * after `$2` (a single row of NULL message columns when there are none).
 */
const ROWS_AFTER = `SELECT t.total_count, t.seq_sum, m.* FROM (SELECT COUNT(*) AS total_count, COALESCE(SUM(seq), 0) AS seq_sum FROM messages WHERE conversation_id = $1) t
  LEFT JOIN messages m ON m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq`;

interface Kept {
  rows: readonly Row[];
  /** The sum of the rows' `seq` (with their number, it tells whether the conversation still has exactly these rows). */
  seqSum: number;
  lastSeq: number;
}

const seqSum = (rows: readonly Row[]): number => rows.reduce((sum, row) => sum + Number(row.seq), 0);

/**
 * Reads a conversation's message rows, in order, as `SELECT … ORDER BY seq` returns them: the rows read before are
 * kept, and a read asks only for the rows after the last one kept, checking in the same statement that the
 * conversation has exactly the kept rows besides them (the same number of rows and sum of `seq`; a `seq` is never
 * reused). Messages are only appended or deleted, never changed in place, so those rows are what a full read would
 * return; otherwise (retention deleted old messages, the conversation was deleted, or on PostgreSQL a row with a lower
 * `seq` committed after a higher one) the conversation is read whole again. Each turn used to read its whole
 * transcript again.
 */
export class MessageReads {
  private readonly kept = new Map<string, Kept>();
  /** Rows in {@link kept}. */
  private keptRows = 0;

  /** `keptRowsAtMost`: the most message rows kept, over all conversations (default 20,000). */
  constructor(
    private readonly db: SqlDriver,
    private readonly keptRowsAtMost = KEPT_ROWS,
  ) {}

  /** The conversation's message rows, oldest first (shared between reads: do not modify them). */
  async rows(conversationId: string): Promise<readonly Row[]> {
    const known = this.kept.get(conversationId);
    if (known) {
      this.drop(conversationId);
      const read = await this.db.query(ROWS_AFTER, [conversationId, known.lastSeq]);
      const added = read.filter((row) => row.seq != null);
      const head = read[0];
      if (head && Number(head.total_count) === known.rows.length + added.length && Number(head.seq_sum) === known.seqSum + seqSum(added)) {
        const next = added.length ? { rows: [...known.rows, ...added], seqSum: known.seqSum + seqSum(added), lastSeq: Number(added.at(-1)?.seq) } : known;
        this.keep(conversationId, next);
        return next.rows;
      }
    }
    const rows = await this.db.query(ALL_ROWS, [conversationId]);
    if (rows.length) this.keep(conversationId, { rows, seqSum: seqSum(rows), lastSeq: Number(rows.at(-1)?.seq) });
    return rows;
  }

  /** Forgets what was kept (after deletions this store made; reads would notice them anyway). */
  forget(conversationId?: string): void {
    if (conversationId !== undefined) this.drop(conversationId);
    else {
      this.kept.clear();
      this.keptRows = 0;
    }
  }

  private keep(conversationId: string, kept: Kept): void {
    if (kept.rows.length > this.keptRowsAtMost) return;
    this.drop(conversationId);
    this.kept.set(conversationId, kept);
    this.keptRows += kept.rows.length;
    while (this.keptRows > this.keptRowsAtMost) this.drop(this.kept.keys().next().value as string);
  }

  private drop(conversationId: string): void {
    const kept = this.kept.get(conversationId);
    if (!kept) return;
    this.kept.delete(conversationId);
    this.keptRows -= kept.rows.length;
  }
}
