import type { FakeZendeskTicket } from './fake-zendesk.js';

/** Id of the agent (the API user) in the fake; requesters are `9000 + ticket id`. */
export const FAKE_AGENT_ID = 1;
/** The user id of a ticket's requester in the fake. */
export const requesterOf = (ticketId: number): number => 9000 + ticketId;

/** Zendesk holds back changes of the last minute from incremental exports. */
const HOLD_BACK_SECONDS = 60;
const MAX_PER_PAGE = 1000;

type Answer = { status: number; body: unknown };
type Position = { ts: number; id: number };

const encodeCursor = (p: Position) => Buffer.from(`${p.ts}.0||${p.id}|`).toString('base64url');
function decodeCursor(cursor: string): Position | undefined {
  const match = /^(\d+)\.0\|\|(-?\d+)\|$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { ts: Number(match[1]), id: Number(match[2]) } : undefined;
}
const after = (t: FakeZendeskTicket, p: Position) => t.generated_timestamp > p.ts || (t.generated_timestamp === p.ts && t.id > p.id);

/** A ticket as the API shows it (without the fake's comments and requester details). */
export function publicTicket(base: string, t: FakeZendeskTicket): Record<string, unknown> {
  const { comments: _comments, requester: _requester, ...rest } = t;
  return { ...rest, url: `${base}/api/v2/tickets/${t.id}.json`, requester_id: requesterOf(t.id), submitter_id: FAKE_AGENT_ID, type: null, priority: null };
}

/**
 * `GET /api/v2/incremental/tickets/cursor.json` as Zendesk's reference describes it: `start_time` (Unix seconds, at
 * least a minute ago) or `cursor` (opaque, from `after_cursor`), `per_page` up to 1,000, `exclude_deleted`; tickets
 * ordered by `generated_timestamp` then id, deleted ones with `status: "deleted"`; changes of the last minute are held
 * back; `after_cursor`/`after_url` point after the page, `end_of_stream` says whether the present is reached.
 */
export function incrementalTickets(base: string, query: URLSearchParams, tickets: Iterable<FakeZendeskTicket>, nowSeconds: number): Answer {
  const invalid = (description: string): Answer => ({ status: 400, body: { error: 'InvalidValue', description } });
  const perPage = query.has('per_page') ? Number(query.get('per_page')) : MAX_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) return invalid(`per_page must be between 1 and ${MAX_PER_PAGE}`);
  let position: Position | undefined;
  const cursor = query.get('cursor');
  const startTime = query.get('start_time');
  if (cursor !== null) {
    position = decodeCursor(cursor);
    if (!position) return invalid('Invalid cursor');
  } else if (startTime !== null) {
    const start = Number(startTime);
    if (!/^\d+$/.test(startTime)) return invalid('start_time must be a Unix epoch time in seconds');
    if (start > nowSeconds - HOLD_BACK_SECONDS) return invalid('Too recent start_time. Use a start_time older than 1 minute');
    position = { ts: start, id: -1 };
  } else {
    return invalid('start_time or cursor is required');
  }
  const excludeDeleted = query.get('exclude_deleted') === 'true';
  const visible = [...tickets]
    .filter((t) => t.generated_timestamp <= nowSeconds - HOLD_BACK_SECONDS && after(t, position) && !(excludeDeleted && t.status === 'deleted'))
    .sort((a, b) => a.generated_timestamp - b.generated_timestamp || a.id - b.id);
  const page = visible.slice(0, perPage);
  const last = page.at(-1);
  const afterCursor = encodeCursor(last ? { ts: last.generated_timestamp, id: last.id } : position);
  return {
    status: 200,
    body: {
      tickets: page.map((t) => publicTicket(base, t)),
      after_url: `${base}/api/v2/incremental/tickets/cursor.json?cursor=${afterCursor}`,
      after_cursor: afterCursor,
      before_url: null,
      before_cursor: null,
      end_of_stream: visible.length <= perPage,
    },
  };
}

/**
 * `GET /api/v2/tickets/{id}/comments.json`: the ticket's comments oldest first (`id`, `type`, `author_id`, `body`,
 * `html_body`, `plain_body`, `public`, `attachments`, `created_at`), `include=users` sideloads their authors with roles,
 * offset pagination (`per_page` up to 100, `page`, `next_page`). 404 for a deleted ticket.
 */
export function ticketComments(base: string, query: URLSearchParams, ticket: FakeZendeskTicket | undefined): Answer {
  if (!ticket || ticket.status === 'deleted') return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 100) || 100));
  const pageNumber = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const all = ticket.comments.map((c, i) => ({
    id: ticket.id * 1000 + i,
    type: 'Comment',
    author_id: c.author_id ?? (i === 0 ? requesterOf(ticket.id) : FAKE_AGENT_ID),
    body: c.body,
    html_body: `<div class="zd-comment"><p dir="auto">${c.body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p></div>`,
    plain_body: c.body,
    public: c.public,
    attachments: [],
    audit_id: ticket.id * 1000 + i,
    via: { channel: 'api' },
    created_at: c.created_at,
    metadata: {},
  }));
  const comments = all.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const more = pageNumber * perPage < all.length;
  const body: Record<string, unknown> = {
    comments,
    next_page: more ? `${base}/api/v2/tickets/${ticket.id}/comments.json?page=${pageNumber + 1}&per_page=${perPage}${query.has('include') ? `&include=${query.get('include')}` : ''}` : null,
    previous_page: pageNumber > 1 ? `${base}/api/v2/tickets/${ticket.id}/comments.json?page=${pageNumber - 1}&per_page=${perPage}` : null,
    count: all.length,
  };
  if (query.get('include')?.split(',').includes('users')) {
    const authors = [...new Set(comments.map((c) => c.author_id))];
    body.users = authors.map((id) => ({ id, name: id === FAKE_AGENT_ID ? 'Support Agent' : `Customer ${id}`, role: id === requesterOf(ticket.id) ? 'end-user' : 'agent' }));
  }
  return { status: 200, body };
}
