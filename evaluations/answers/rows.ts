import { ParleyError, type TicketRecord } from '../../bot/core/index.js';
import { readTicketsFile, type ReadOptions } from '../../knowledge/index.js';

/** How `parley bench answers` reads its files and what it scores against. */
export interface RowOptions {
  /**
   * Field whose value a right answer's first source shares with the question (dotted path into the ticket's fields,
   * e.g. `intent` or `doc_id`); default: the question's `expected` ticket ids.
   */
  expect?: string;
  /** Field holding a row's knowledge scope (the conversation's scope for a question); default `scope`. */
  scopeField?: string;
  /** Ingest the tickets without any metadata (labels, categories, annotations): the expected values only score. */
  withoutLabels?: boolean;
}

/** A question of the bench with what a right answer cites. */
export interface BenchQuestion {
  id: string;
  question: string;
  /** Reference answer (for ROUGE-L). */
  answer: string;
  scope?: string;
  /** Values a right answer's first source has (ticket ids, or values of the expected field). */
  expected: string[];
  /** The question's intent, category or label when it has one (the `intentMatch` figure). */
  intent?: string;
}

const LABEL_FIELDS = ['intent', 'category', 'label'];

/** The value at a dotted path of a ticket: `id`, or a metadata field (`doc_id`, `agentURL.doc_id`). */
export function valueAt(ticket: TicketRecord, path: string): unknown {
  if (path === 'id') return ticket.id;
  return path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), ticket.metadata);
}

/** A value as a list of non-empty strings (a string, a number or an array of them). */
function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => (typeof v === 'string' && v.trim() ? [v.trim()] : typeof v === 'number' ? [String(v)] : []));
}

/** The values a ticket offers for the expected field (its id without `expect`). */
export function expectedOf(ticket: TicketRecord, expect: string | undefined): string[] {
  return expect ? strings(valueAt(ticket, expect)) : [ticket.id];
}

/** The intent, category or label of a ticket, if any. */
export function intentOf(ticket: TicketRecord): string | undefined {
  for (const field of LABEL_FIELDS) {
    const value = ticket.metadata[field];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

/** Reads a ticket file with the ingest field mapping (`parley ingest` formats), the scope taken from `scopeField`. */
export async function readBenchTickets(path: string, flag: string, options: RowOptions): Promise<TicketRecord[]> {
  const read: ReadOptions = { source: 'bench', ...(options.scopeField ? { mapping: { scope: [options.scopeField] } } : {}) };
  try {
    const tickets = await readTicketsFile(path, read);
    if (tickets.length === 0) throw new ParleyError('bad_request', `${flag}: ${path} has no rows`);
    return tickets;
  } catch (error) {
    if (error instanceof ParleyError && error.code === 'ingest_invalid') throw new ParleyError('bad_request', `${flag}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The bench questions of test rows: each row's question, reference answer and scope, with the expected values of
 * `options.expect` (else the row's `expected` ticket ids).
 * @throws ParleyError `bad_request` naming the row without an expected value.
 */
export function toQuestions(rows: readonly TicketRecord[], options: RowOptions, flag: string): BenchQuestion[] {
  return rows.map((row, i) => {
    const expected = options.expect ? strings(valueAt(row, options.expect)) : strings(row.metadata.expected);
    if (expected.length === 0) {
      throw new ParleyError('bad_request', `${flag}: row ${i + 1} has no expected value (${options.expect ? `field "${options.expect}"` : 'field "expected" with ticket ids; or give --expect FIELD'})`);
    }
    const intent = intentOf(row);
    return { id: row.id, question: row.question, answer: row.answer, expected, ...(row.scope ? { scope: row.scope } : {}), ...(intent ? { intent } : {}) };
  });
}

/** The tickets as the bench ingests them: without metadata when `withoutLabels`, so that labels only score. */
export function knowledgeOf(tickets: readonly TicketRecord[], options: RowOptions): TicketRecord[] {
  return options.withoutLabels ? tickets.map((ticket) => ({ ...ticket, metadata: {} })) : [...tickets];
}

/** Splits rows into `k` folds by position (row i in fold i mod k): every fold spreads over the whole file. Pure. */
export function foldsOf<T>(rows: readonly T[], k: number): { train: T[]; test: T[] }[] {
  return Array.from({ length: k }, (_, fold) => ({
    train: rows.filter((_, i) => i % k !== fold),
    test: rows.filter((_, i) => i % k === fold),
  }));
}
