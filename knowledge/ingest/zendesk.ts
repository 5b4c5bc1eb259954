import { ParleyError, type TicketRecord } from '../../bot/core/index.js';
import { z } from 'zod';
import { htmlToText, toPlainText } from './text.js';
import { firstIssue, ZendeskCommentsSchema, ZendeskIdSchema, ZendeskTicketSchema, ZendeskUserSchema } from './zendesk-schemas.js';

/** Options of {@link parseZendeskExport}. */
export interface ZendeskOptions {
  /** Source name stored with each ticket; `ingest --sync` replaces tickets by source. */
  source: string;
  /** Name used in error messages (the file name); defaults to `source`. */
  origin?: string;
}

/**
 * Why a Zendesk ticket produced no {@link TicketRecord}; `invalid`: the ticket or one of its comments has a field of
 * the wrong type or lacks one Parley needs (`id`, `status`, a comment's `author_id`).
 */
export type ZendeskSkipReason = 'not_solved' | 'no_question' | 'no_answer' | 'too_long' | 'invalid';

/** A Zendesk ticket that produced no ticket: its id (`''` when it has none), status and why. */
export interface ZendeskSkipped {
  zendeskId: string;
  status: string;
  reason: ZendeskSkipReason;
  /** For `invalid`: the bad field's path (`id`, `tags`, `comments.0.author_id`; `ticket` for a non-object). */
  field?: string;
  /** For `invalid`: where and what, e.g. `export.json ticket 2 (id 5): "tags": must be an array of strings`. */
  detail?: string;
}

/** Result of {@link parseZendeskExportWithStats}: the tickets, and each skipped ticket with its reason. */
export interface ZendeskParseResult {
  tickets: TicketRecord[];
  skipped: ZendeskSkipped[];
}

/** The id of the ticket made from Zendesk ticket `zendeskId` (what a sync deletes when Zendesk deletes it). */
export function zendeskTicketId(zendeskId: string | number): string {
  return `zendesk-${zendeskId}`;
}

type Json = Record<string, unknown>;
interface Entry { raw: unknown; where: string; comments: unknown; users: Map<string, string> }
interface Comment { author: string; isPublic: boolean; text: string; createdAt: number }

/** Same limit as the generic parser; longer fields are skipped (`too_long`) rather than failing a whole export. */
const MAX_FIELD_CHARS = 20_000;
const SOLVED = new Set(['solved', 'closed']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const fail = (where: string, message: string): never => {
  throw new ParleyError('ingest_invalid', `${where}: ${message}`);
};

/** The id of a Zendesk record as a string (a number or a non-blank string), else undefined. */
function idOf(value: unknown): string | undefined {
  const parsed = ZendeskIdSchema.safeParse(value);
  return parsed.success ? String(parsed.data) : undefined;
}

/** Roles of sideloaded `users` (`end-user`, `agent`, `admin`), so a CC'd customer's reply is never taken as the answer. */
function rolesOf(users: unknown): Map<string, string> {
  const roles = new Map<string, string>();
  if (!Array.isArray(users)) return roles;
  for (const user of users) {
    const parsed = ZendeskUserSchema.safeParse(user);
    if (parsed.success) roles.set(String(parsed.data.id), parsed.data.role);
  }
  return roles;
}

/** Flattens one API page `{ tickets, comments?, users? }`; comments may be a `{ "<ticket id>": [...] }` map or a flat list. */
function pageEntries(page: Json, prefix: string): Entry[] {
  if (!Array.isArray(page.tickets)) fail(prefix, 'field "tickets" must be an array');
  const users = rolesOf(page.users);
  const byTicket = new Map<string, unknown>();
  if (isObject(page.comments)) {
    for (const [id, list] of Object.entries(page.comments)) byTicket.set(id, list);
  } else if (Array.isArray(page.comments)) {
    for (const comment of page.comments) {
      const id = isObject(comment) ? idOf(comment.ticket_id) : undefined;
      if (!id) continue;
      const list = (byTicket.get(id) as unknown[] | undefined) ?? [];
      list.push(comment);
      byTicket.set(id, list);
    }
  }
  return (page.tickets as unknown[]).map((raw, i) => ({ raw, where: `${prefix} ticket ${i + 1}`, users, comments: byTicket.get(isObject(raw) ? (idOf(raw.id) ?? '') : '') }));
}

function valueEntries(value: unknown, where: string): Entry[] {
  if (Array.isArray(value)) return value.map((raw, i) => ({ raw, where: `${where} ticket ${i + 1}`, comments: undefined, users: new Map() }));
  if (isObject(value) && 'tickets' in value) return pageEntries(value, where);
  if (isObject(value) && isObject(value.ticket)) return [{ raw: value.ticket, where, comments: value.comments, users: rolesOf(value.users) }];
  if (isObject(value) && 'id' in value) return [{ raw: value, where, comments: undefined, users: new Map() }];
  return fail(where, 'expected {"tickets": [...]}, an array of tickets, or one ticket per line (NDJSON)');
}

/** Reads the three export shapes: an API page, a bare array, or NDJSON (tickets or pages, one per line). */
function readEntries(content: string, origin: string): Entry[] {
  const text = content.replace(/^\uFEFF/, '').trim();
  if (!text) return [];
  try {
    return valueEntries(JSON.parse(text), origin);
  } catch (error) {
    if (error instanceof ParleyError) throw error;
    if (text.startsWith('[')) throw new ParleyError('ingest_invalid', `${origin}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ParleyError('ingest_invalid', `${origin} line ${i + 1}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    entries.push(...valueEntries(value, `${origin} line ${i + 1}`));
  });
  return entries;
}

/** A solved ticket's comments, read with {@link ZendeskCommentsSchema}; a bad one is a {@link ZodError} naming it. */
function readComments(list: unknown): Comment[] | z.ZodError {
  const parsed = ZendeskCommentsSchema.safeParse(list);
  if (!parsed.success) return parsed.error;
  return (parsed.data ?? []).map((c) => {
    const body = c.body || c.plain_body;
    return { author: String(c.author_id), isPublic: c.public === true, text: body ? toPlainText(body) : c.html_body ? htmlToText(c.html_body) : '', createdAt: Date.parse(c.created_at ?? '') };
  });
}

const words = (text: string): string[] => text.normalize('NFKD').toLowerCase().replace(/[\u0300-\u036f]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const SUBJECT_STOPWORDS = new Set('a an the and or of to for in on at is are was be my your our i we you it this that with from about re fw fwd please help question issue problem request hi hello'.split(' '));

/**
 * True when the subject says something the question does not: not a placeholder ("Conversation with Ann"), not the
 * question's own opening (Zendesk derives subjects from the first line, truncated with "..."), not only stopwords.
 */
export function subjectAddsInformation(subject: string, question: string): boolean {
  const cleaned = subject.replace(/^((re|fwd?|aw|sv)\s*:\s*)+/i, '').trim();
  if (!cleaned || /^(conversation with|chat with|message from|new (ticket|request|message)|support request|contact form|web form|voicemail from|ticket\s*#?\d*$|((incoming|inbound|outbound) )?(phone )?call( (with|from|to) .*)?$)/i.test(cleaned)) return false;
  const truncated = /(\.\.\.|…)$/.test(cleaned);
  let subjectWords = words(cleaned);
  if (truncated) subjectWords = subjectWords.slice(0, -1); // the last word may be cut mid-word
  const questionWords = new Set(words(question));
  return subjectWords.some((word) => !SUBJECT_STOPWORDS.has(word) && !questionWords.has(word));
}

type Converted = TicketRecord | ZendeskSkipped;

/** A ticket (or its comments) that its schema refused: skipped as `invalid`, naming the field. */
function invalid(entry: Entry, error: z.ZodError, under?: 'comments'): ZendeskSkipped {
  const issue = firstIssue(error, '');
  const raw = isObject(entry.raw) ? entry.raw : {};
  const zendeskId = idOf(raw.id) ?? '';
  const field = [under, issue.field].filter(Boolean).join('.') || 'ticket';
  const where = zendeskId ? `${entry.where} (id ${zendeskId})` : entry.where;
  return { zendeskId, status: typeof raw.status === 'string' ? raw.status : '', reason: 'invalid', field, detail: `${where}: "${field}": ${issue.message}` };
}

function convert(entry: Entry, options: ZendeskOptions): Converted {
  const parsed = ZendeskTicketSchema.safeParse(entry.raw);
  if (!parsed.success) return invalid(entry, parsed.error);
  const t = parsed.data;
  const zendeskId = String(t.id);
  const { status, description, updated_at: updatedAt } = t;
  const subject = t.subject?.trim();
  const skip = (reason: ZendeskSkipReason): Converted => ({ zendeskId, status, reason });
  if (!SOLVED.has(status.toLowerCase())) return skip('not_solved');

  const comments = readComments((isObject(entry.raw) ? entry.raw.comments : undefined) ?? entry.comments);
  if (comments instanceof z.ZodError) return invalid(entry, comments, 'comments');
  const requester = idOf(t.requester_id) ?? comments[0]?.author;
  const solvedAt = Date.parse(t.metric_set?.solved_at ?? t.solved_at ?? '');
  const questionIndex = comments.findIndex((c) => c.isPublic && c.author === requester && c.text);
  let question = questionIndex >= 0 ? comments[questionIndex]!.text : description ? toPlainText(description) : '';
  if (!question) return skip('no_question');

  const isAgent = (author: string) => author !== requester && entry.users.get(author) !== 'end-user';
  const answer = comments
    .filter((c, i) => i > questionIndex && c.isPublic && c.text && c.text !== question && isAgent(c.author))
    .filter((c) => Number.isNaN(solvedAt) || Number.isNaN(c.createdAt) || c.createdAt <= solvedAt)
    .at(-1)?.text;
  if (!answer) return skip('no_answer');
  if (subject && subjectAddsInformation(subject, question)) question = `${subject}\n\n${question}`;
  if (question.length > MAX_FIELD_CHARS || answer.length > MAX_FIELD_CHARS) return skip('too_long');

  const metadata: Record<string, unknown> = { zendesk_id: t.id, subject, status, priority: t.priority, type: t.type, tags: t.tags ?? undefined, created_at: t.created_at };
  for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
  const ticket: TicketRecord = { id: zendeskTicketId(zendeskId), question, answer, source: options.source, metadata };
  if (updatedAt) ticket.updatedAt = updatedAt;
  return ticket;
}

/**
 * Parses a Zendesk ticket export into tickets, reporting skipped ones. Accepts `{ "tickets": [...] }` API pages (with
 * `comments` embedded per ticket or as a sibling `{ "<ticket id>": [...] }` map, and sideloaded `users` roles), a bare
 * array of tickets, and NDJSON incremental exports (a ticket repeated on later lines replaces the earlier version).
 *
 * Only `solved`/`closed` tickets are used. Question: the requester's first public comment (else the description),
 * prefixed with the subject when it adds information. Answer: the last public comment by someone other than the
 * requester, up to the solve time when `metric_set.solved_at`/`solved_at` is known; comments without `public: true`
 * count as internal notes and are never used. HTML bodies become text. Each ticket and its comments are read with the
 * zod schemas of `zendesk-schemas.ts`: a malformed one is skipped (`invalid`, with the field and a `detail` naming the
 * ticket's position and id), never failing the export.
 * @throws ParleyError `ingest_invalid` when the file itself is not an export (not JSON, `tickets` not an array).
 */
export function parseZendeskExportWithStats(content: string, options: ZendeskOptions): ZendeskParseResult {
  return convertEntries(readEntries(content, options.origin ?? options.source), options);
}

/**
 * Converts one Zendesk API page already parsed (`{ "tickets": [...], "comments"?: {"<ticket id>": [...]}, "users"?: [...] }`,
 * e.g. tickets of the incremental export with the comments fetched per ticket) by the rules of
 * {@link parseZendeskExportWithStats}.
 */
export function convertZendeskPage(page: Record<string, unknown>, options: ZendeskOptions): ZendeskParseResult {
  return convertEntries(pageEntries(page, options.origin ?? options.source), options);
}

function convertEntries(entries: Entry[], options: ZendeskOptions): ZendeskParseResult {
  // Keyed by Zendesk id (a ticket without one by its position): a ticket repeated in an NDJSON export is read once.
  const latest = new Map<string, Entry>();
  for (const entry of entries) {
    const raw = isObject(entry.raw) ? entry.raw : undefined;
    const id = idOf(raw?.id);
    const key = id === undefined ? `#${entry.where}` : `id:${id}`;
    const previous = latest.get(key);
    const newer = (e: Entry) => (isObject(e.raw) && typeof e.raw.updated_at === 'string' ? e.raw.updated_at : '');
    // Map.set keeps the first position, so output order follows first appearance.
    if (!previous || newer(entry) >= newer(previous)) latest.set(key, entry);
  }
  const result: ZendeskParseResult = { tickets: [], skipped: [] };
  for (const entry of latest.values()) {
    const converted = convert(entry, options);
    if ('reason' in converted) result.skipped.push(converted);
    else result.tickets.push(converted);
  }
  return result;
}

/** Tickets of a Zendesk export; see {@link parseZendeskExportWithStats} for the rules and the skipped-ticket counts. */
export function parseZendeskExport(content: string, options: ZendeskOptions): TicketRecord[] {
  return parseZendeskExportWithStats(content, options).tickets;
}
