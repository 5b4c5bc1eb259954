import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { checkScope, fileErrorText, ParleyError, type TicketRecord } from '../../bot/core/index.js';
import { flattenCareTweets, isCareTweets } from './care-tweets.js';
import { parseConversations } from './conversations.js';
import { parseZendeskExportWithStats, type ZendeskSkipped } from './zendesk.js';

/** Which input fields hold the question, the answer, the id and the knowledge scope; the first present alias wins. */
export interface FieldMapping {
  question: string[];
  answer: string[];
  id: string[];
  /** The ticket's knowledge scope (brand, store, product line, locale); absent or empty: shared by all scopes. */
  scope: string[];
}

/** Default aliases: `question`/`customer`/`text`/`instruction`…, `answer`/`agent`/`response`…, `id`/`ticket_id`…, `scope`. */
export const DEFAULT_MAPPING: FieldMapping = {
  question: ['question', 'customer', 'customer_text', 'customerText', 'query', 'text', 'body', 'instruction'],
  answer: ['answer', 'agent', 'agent_text', 'agentText', 'response', 'reply', 'resolution'],
  id: ['id', 'ticket_id', 'ticketId', 'key'],
  scope: ['scope'],
};

/** Supported ticket file formats: flat tickets (JSONL, JSON array, CSV), Zendesk exports, multi-turn conversations. */
export type TicketFormat = 'jsonl' | 'json' | 'csv' | 'zendesk' | 'conversations';

/** Every {@link TicketFormat}, for validating `--format`. */
export const TICKET_FORMATS: readonly TicketFormat[] = ['jsonl', 'json', 'csv', 'zendesk', 'conversations'];

/** Options of {@link parseTickets}. */
export interface ParseOptions {
  format: TicketFormat;
  /** Source name stored with each ticket; `ingest --sync` replaces tickets by source. */
  source: string;
  mapping?: Partial<FieldMapping>;
  /** Name used in error messages (the file name). */
  origin?: string;
  /** Knowledge scope of tickets without a scope field of their own (`ingest --scope`); absent: shared. */
  scope?: string;
  /** Told of each Zendesk ticket that produced no ticket (not solved, no answer, malformed…), with why. */
  onSkipped?: (skipped: ZendeskSkipped) => void;
}

const MAX_FIELD_CHARS = 20_000;

function pick(record: Record<string, unknown>, aliases: readonly string[]): [string, string] | undefined {
  for (const key of aliases) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return [key, value.trim()];
    if (typeof value === 'number') return [key, String(value)];
  }
  return undefined;
}

/**
 * Maps one input record to a ticket with the `parley ingest` field mapping (aliases of {@link DEFAULT_MAPPING}, other
 * fields kept as metadata, a content-hash id when none is given). The one mapper of files and `POST /api/tickets`.
 * @throws ParleyError `ingest_invalid` prefixed with `where`, with `details.field` naming the bad field.
 */
export function toTicket(record: unknown, where: string, options: ParseOptions): TicketRecord {
  const invalid = (field: string, message: string) => new ParleyError('ingest_invalid', `${where}: ${message}`, { details: { field } });
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw invalid('ticket', 'expected an object with question and answer fields');
  }
  const fields = record as Record<string, unknown>;
  const mapping = { ...DEFAULT_MAPPING, ...options.mapping };
  const question = pick(fields, mapping.question);
  const answer = pick(fields, mapping.answer);
  if (!question) throw invalid('question', `missing field "question" (looked for ${mapping.question.join(', ')})`);
  if (!answer) throw invalid('answer', `missing field "answer" (looked for ${mapping.answer.join(', ')})`);
  for (const [key, value] of [question, answer]) {
    if (value.length > MAX_FIELD_CHARS) throw invalid(key, `field "${key}" is longer than ${MAX_FIELD_CHARS} characters`);
  }
  const id = pick(fields, mapping.id);
  const scopeField = mapping.scope.find((key) => fields[key] !== undefined && fields[key] !== null && fields[key] !== '');
  const scope = scopeField === undefined ? options.scope : checkScope(fields[scopeField], `${where}: field ${JSON.stringify(scopeField)}`, 'ingest_invalid');
  const used = new Set([question[0], answer[0], id?.[0], ...mapping.scope]);
  const { metadata: nested, ...rest } = Object.fromEntries(Object.entries(fields).filter(([key]) => !used.has(key)));
  // A `metadata` object (the stored shape, as `parley` exports and the tickets API take it) is the metadata itself.
  const isNested = typeof nested === 'object' && nested !== null && !Array.isArray(nested);
  const metadata = isNested ? { ...rest, ...(nested as Record<string, unknown>) } : nested === undefined ? rest : { ...rest, metadata: nested };
  return {
    // Without an id, a content hash keeps re-ingesting the same file idempotent.
    id: id?.[1] ?? `t_${createHash('sha256').update(`${question[1]}\n${answer[1]}`).digest('hex').slice(0, 16)}`,
    question: question[1],
    answer: answer[1],
    source: options.source,
    ...(scope ? { scope } : {}),
    metadata,
  };
}

/** Files tickets without a scope of their own under the default scope `scope` (when given). */
function withDefaultScope(tickets: TicketRecord[], scope: string | undefined): TicketRecord[] {
  return scope ? tickets.map((ticket) => (ticket.scope ? ticket : { ...ticket, scope })) : tickets;
}

/**
 * Parses tickets from JSONL (one object per line), JSON (an array of objects, or of Twitter customer-care conversations:
 * see {@link flattenCareTweets}) or CSV (with a header row).
 */
export function parseTickets(content: string, options: ParseOptions): TicketRecord[] {
  const origin = options.origin ?? options.source;
  const tickets: TicketRecord[] = [];
  if (options.scope !== undefined) checkScope(options.scope, 'scope', 'ingest_invalid');
  if (options.format === 'zendesk') {
    const { tickets: zendesk, skipped } = parseZendeskExportWithStats(content, { source: options.source, origin });
    if (options.onSkipped) skipped.forEach(options.onSkipped);
    return withDefaultScope(zendesk, options.scope);
  }
  if (options.format === 'conversations') return withDefaultScope(parseConversations(content, { source: options.source, origin }), options.scope);
  if (options.format === 'jsonl') {
    content.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new ParleyError('ingest_invalid', `${origin} line ${i + 1}: not valid JSON (${(error as Error).message})`, { cause: error });
      }
      tickets.push(toTicket(record, `${origin} line ${i + 1}`, options));
    });
  } else if (options.format === 'json') {
    let records: unknown;
    try {
      records = JSON.parse(content);
    } catch (error) {
      throw new ParleyError('ingest_invalid', `${origin}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (!Array.isArray(records)) throw new ParleyError('ingest_invalid', `${origin}: expected a JSON array of tickets`);
    // Customer-care conversations from Twitter become flat records first, so that the field mapping applies to them.
    const flat: unknown[] = isCareTweets(records) ? flattenCareTweets(records, origin) : records;
    flat.forEach((record, i) => tickets.push(toTicket(record, `${origin} item ${i + 1}`, options)));
  } else {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(content, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    } catch (error) {
      throw new ParleyError('ingest_invalid', `${origin}: invalid CSV (${(error as Error).message})`, { cause: error });
    }
    rows.forEach((row, i) => tickets.push(toTicket(row, `${origin} row ${i + 2}`, options)));
  }
  return tickets;
}

/** The format implied by a file name: `.jsonl`/`.ndjson`, `.json` or `.csv`. */
export function formatOf(path: string): TicketFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  throw new ParleyError('ingest_invalid', `${basename(path)}: unsupported file type "${ext || '(none)'}" (use .jsonl, .json or .csv)`);
}

/**
 * Tells a JSON export's kind from its content: a Zendesk export (`{"tickets": …}` or tickets with `comments`),
 * conversations (items with `turns` or `messages`), or plain tickets.
 */
export function detectJsonFormat(content: string, fallback: TicketFormat): TicketFormat {
  const head = content.slice(0, 4096);
  if (/^\s*\{\s*"tickets"\s*:/.test(head) || /"comments"\s*:\s*\[/.test(head)) return 'zendesk';
  if (/"(turns|messages)"\s*:\s*\[/.test(head)) return 'conversations';
  return fallback;
}

/** Options of {@link readTicketsFile}. */
export interface ReadOptions {
  source?: string;
  mapping?: Partial<FieldMapping>;
  /** Overrides detection from the extension and content. */
  format?: TicketFormat;
  /** Knowledge scope of tickets without a scope field of their own; absent: shared. */
  scope?: string;
  /** Told of each Zendesk ticket that produced no ticket, with why (see {@link ParseOptions}). */
  onSkipped?: (skipped: ZendeskSkipped) => void;
}

/** Reads and parses a ticket file; the source defaults to the file's base name, the format to detection. */
export async function readTicketsFile(path: string, options: ReadOptions = {}): Promise<TicketRecord[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new ParleyError('ingest_invalid', `cannot read ${path}: ${fileErrorText(error)}`, { cause: error });
  }
  const byName = options.format ? undefined : formatOf(path);
  const format = options.format ?? (byName === 'csv' ? 'csv' : detectJsonFormat(content, byName as TicketFormat));
  const parseOptions: ParseOptions = { format, source: options.source ?? basename(path), origin: basename(path) };
  if (options.mapping) parseOptions.mapping = options.mapping;
  if (options.scope !== undefined) parseOptions.scope = options.scope;
  if (options.onSkipped) parseOptions.onSkipped = options.onSkipped;
  return parseTickets(content, parseOptions);
}
