import { checkScope, ParleyError, SHARED_SCOPE, type ConversationAccess, type ConversationFilter, type ConversationRecord, type ScoredConversation } from '../../bot/core/index.js';

/** Query parameters of the conversation list, chart and CSV routes. */
export type FilterQuery = Record<string, string | undefined>;

const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

function date(value: string, name: string, endOfDay: boolean): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(value))) throw new ParleyError('bad_request', `${name}: "${value}" is not a date (YYYY-MM-DD)`);
  const time = value.length === 10 ? Date.parse(`${value}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0) : Date.parse(value);
  return new Date(time).toISOString();
}

function fraction(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new ParleyError('bad_request', `${name}: "${value}" is not a number from 0 to 1`);
  return n;
}

function whole(value: string, name: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new ParleyError('bad_request', `${name}: "${value}" is not a whole number from 0 to ${max}`);
  return n;
}

const text = (value: string, name: string): string => {
  if (value.length > 200) throw new ParleyError('bad_request', `${name}: at most 200 characters`);
  return value;
};

/**
 * Reads the dashboard filters from a query string: `since`, `until` (YYYY-MM-DD, `until` inclusive), `channel`,
 * `handoffReason`, `scope` (a knowledge scope, `*` for conversations without one), `minScore`, `maxScore` (0–1),
 * `flag`, `label`, `text`, `customer` (part of the customer's address or profile name), `limit` (≤ 10,000), `offset`,
 * `visits` (`all`: also conversations where the customer never wrote — a widget opened on a page; left out by default).
 * Empty values are ignored; a bad value is a `bad_request` naming the parameter.
 */
export function parseFilters(query: FilterQuery, defaults: { limit: number }): ConversationFilter {
  const q = Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string' && v.trim() !== '')) as Record<string, string>;
  if (q.visits !== undefined && q.visits !== 'all') throw new ParleyError('bad_request', `visits: "${q.visits}" is not "all" (leave it out for conversations where the customer wrote)`);
  const filter: ConversationFilter = { limit: defaults.limit, withCustomerMessage: q.visits !== 'all' };
  if (q.since) filter.since = date(q.since, 'since', false);
  if (q.until) filter.until = date(q.until, 'until', true);
  if (q.channel) filter.channel = text(q.channel, 'channel');
  if (q.handoffReason) filter.handoffReason = text(q.handoffReason, 'handoffReason');
  if (q.scope) filter.scope = q.scope.trim() === SHARED_SCOPE ? SHARED_SCOPE : checkScope(q.scope, 'scope');
  if (q.minScore) filter.minScore = fraction(q.minScore, 'minScore');
  if (q.maxScore) filter.maxScore = fraction(q.maxScore, 'maxScore');
  if (q.flag) filter.flag = text(q.flag, 'flag');
  if (q.label) filter.label = text(q.label, 'label');
  if (q.text) filter.text = text(q.text, 'text');
  if (q.customer) filter.customer = text(q.customer, 'customer');
  if (q.limit) filter.limit = whole(q.limit, 'limit', 10_000) || defaults.limit;
  if (q.offset) filter.offset = whole(q.offset, 'offset', 1_000_000);
  return filter;
}

/** True when `access` lets the reader see `conversation`. */
export function canSee(access: ConversationAccess, conversation: ConversationRecord): boolean {
  return access === 'all' || access.channels.includes(conversation.channel) || access.conversationIds.includes(conversation.id);
}

/** One row of the conversation list (and the CSV export). */
export function listRow(row: ScoredConversation): Record<string, unknown> {
  const m = row.score?.metrics ?? {};
  return {
    id: row.conversation.id,
    createdAt: row.conversation.createdAt,
    customerName: row.customer?.name ?? null,
    customerHandle: row.customer?.handle ?? row.conversation.userId,
    firstMessage: row.customer?.firstMessage ?? null,
    channel: row.conversation.channel,
    status: row.conversation.status,
    handoffReason: row.conversation.handoffReason,
    scope: row.conversation.scope ?? null,
    score: row.score?.score ?? null,
    flags: row.score?.flags ?? [],
    groundedness: m.groundedness ?? null,
    relevance: m.relevance ?? null,
    csat: m.csat ?? null,
    firstResponseMs: m.firstResponseMs ?? null,
    resolvedWithoutHuman: m.resolvedWithoutHuman ?? null,
    judge: row.score?.judge ?? null,
  };
}

const CSV_COLUMNS = ['id', 'createdAt', 'channel', 'status', 'handoffReason', 'score', 'flags', 'groundedness', 'relevance', 'csat', 'firstResponseMs', 'resolvedWithoutHuman', 'judge', 'scope', 'customerName', 'customerHandle', 'firstMessage'];

/** A CSV cell: quoted when needed; a leading `=`, `+`, `-`, `@` gets a `'` so spreadsheets do not run it as a formula. */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join('; ') : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV (RFC 4180, CRLF line ends, a header row). */
export function toCsv(rows: readonly ScoredConversation[]): string {
  const lines = [CSV_COLUMNS.join(','), ...rows.map((row) => { const r = listRow(row); return CSV_COLUMNS.map((c) => cell(r[c])).join(','); })];
  return `${lines.join('\r\n')}\r\n`;
}
