import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendJson, startFakeServer, VendorRejection, type FakeRequest } from '../../../bot/core/testing/fake-server.js';
import { computeZendeskSignature, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from '../verify.js';
import { FAKE_AGENT_ID, incrementalTickets, publicTicket, requesterOf, ticketComments } from './fake-zendesk-export.js';

/** A ticket as the fake keeps it (the fields of Zendesk's Ticket object that Parley uses, plus its comments). */
export interface FakeZendeskTicket {
  id: number;
  subject: string;
  description: string;
  /** `deleted` after a (soft) delete: Zendesk's incremental export still lists the ticket, with this status. */
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed' | 'deleted';
  tags: string[];
  external_id: string | null;
  requester: { name?: string; email?: string } | null;
  /** `author_id` defaults to the requester for the first comment and the agent for the others. */
  comments: { body: string; public: boolean; created_at: string; author_id?: number }[];
  created_at: string;
  updated_at: string;
  /** Unix seconds of the last change of any kind (what the incremental export orders and filters by). */
  generated_timestamp: number;
}

/** A ticket to put in the fake as agents would have worked it: who wrote each comment, and the status. */
export interface FakeZendeskTicketInput {
  id?: number;
  subject: string;
  status: FakeZendeskTicket['status'];
  tags?: string[];
  comments: { author: 'requester' | 'agent'; body: string; public?: boolean }[];
}

/** A running fake of Zendesk's Tickets API. */
export interface FakeZendesk {
  /** Base URL to use as `ZENDESK_URL`. */
  url: string;
  tickets: Map<number, FakeZendeskTicket>;
  /** Every request: method, path, status answered. */
  requests: { method: string; path: string; status: number; body: unknown }[];
  /**
   * Marks a ticket solved and, when a webhook is given, sends it as a Zendesk trigger would: the documented body with
   * `X-Zendesk-Webhook-Signature` and `-Timestamp` headers. Resolves to the webhook's HTTP status.
   */
  solve(id: number, webhook?: { url: string; secret: string }): Promise<number | undefined>;
  /** Creates or replaces a ticket (a change now, for the incremental export). */
  put(input: FakeZendeskTicketInput): FakeZendeskTicket;
  /** Deletes a ticket as an agent would (soft delete: the export shows it with `status: "deleted"`). */
  remove(id: number): void;
  /** The requests Zendesk would reject so far, forgotten (for a test that sends one on purpose); `close()` fails on any left. */
  takeViolations(): string[];
  close(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown) => sendJson(response, status, body);


/** A ticket comment (Zendesk's Ticket Comments: `body` or `html_body`, not blank; `public` default true). */
const Comment = z
  .looseObject({ body: z.string().optional(), html_body: z.string().optional(), public: z.boolean().optional(), author_id: z.int().optional() })
  .refine((comment) => !!(comment.body ?? comment.html_body)?.trim(), { error: 'Comment: cannot be blank', path: ['body'] });
const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;

/** The writable ticket fields Parley sends (Zendesk Tickets API, "Create Ticket" / "Update Ticket"). */
const TicketFields = {
  subject: z.string().optional(),
  status: z.enum(STATUSES).optional(),
  tags: z.array(z.string()).optional(),
  external_id: z.string().optional(),
};

/** `POST /api/v2/tickets.json`: `{"ticket": …}` with its first comment (the description); a new requester needs an e-mail. */
const CreateTicket = z.object({
  ticket: z.looseObject({
    ...TicketFields,
    comment: Comment,
    requester: z.looseObject({ name: z.string().optional(), email: z.email('Requester: Email is required') }).optional(),
  }),
});

/** `PUT /api/v2/tickets/{id}.json`: `{"ticket": …}` with the fields to change, a comment among them. */
const UpdateTicket = z.object({ ticket: z.looseObject({ ...TicketFields, comment: Comment.optional() }) });

/** Zendesk's 422 `RecordInvalid` naming the first field at fault. */
function rejection(rejected: VendorRejection): { status: number; body: unknown } {
  const issue = rejected.issues[0];
  const field = String(issue?.path.at(-1) ?? 'base');
  return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description: issue?.message ?? rejected.message, error: 'InvalidValue' }] }, detail: rejected.message } };
}

/**
 * Starts a local fake of Zendesk's Tickets API on 127.0.0.1, following Zendesk's API reference: API-token Basic auth
 * (`{email}/token:{token}`, 401 `{"error": "Couldn't authenticate you"}` otherwise), `POST /api/v2/tickets.json`
 * (201 with `ticket` and `audit`; 422 `RecordInvalid` without a comment body), `PUT /api/v2/tickets/{id}.json`
 * (comments and status; 404 `RecordNotFound`), `GET /api/v2/tickets/{id}.json`; and, for ticket sync, the cursor-based
 * incremental ticket export and a ticket's comments (see `fake-zendesk-export.ts`).
 */
export async function startFakeZendesk(options: {
  email: string;
  apiToken: string;
  /** The fake's clock (ms since the epoch); default `Date.now`. Incremental exports hold back its last minute. */
  now?: () => number;
}): Promise<FakeZendesk> {
  const clock = options.now ?? Date.now;
  const nowSeconds = () => Math.floor(clock() / 1000);
  const tickets = new Map<number, FakeZendeskTicket>();
  const requests: FakeZendesk['requests'] = [];
  const expected = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`;
  let nextId = 1000;
  let base = '';

  const handle = (request: FakeRequest, response: ServerResponse): number => {
    const { url, path } = request;
    if (request.headers.authorization !== expected) return (json(response, 401, { error: "Couldn't authenticate you" }), 401);
    if (request.method === 'GET' && path === '/api/v2/incremental/tickets/cursor.json') {
      const answer = incrementalTickets(base, url.searchParams, tickets.values(), nowSeconds());
      return (json(response, answer.status, answer.body), answer.status);
    }
    const commentsPath = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(path);
    if (request.method === 'GET' && commentsPath) {
      const answer = ticketComments(base, url.searchParams, tickets.get(Number(commentsPath[1])));
      return (json(response, answer.status, answer.body), answer.status);
    }
    if (request.text && request.contentType !== 'application/json') return (json(response, 415, { error: 'Unsupported media type' }), 415);
    if (request.text && request.json === undefined) return (json(response, 400, { error: 'Unprocessable JSON' }), 400);
    requests.at(-1)!.body = request.json ?? {};
    const now = new Date(clock()).toISOString();
    if (request.method === 'POST' && path === '/api/v2/tickets.json') {
      const { ticket: input } = request.valid(CreateTicket);
      const { comment } = input;
      const text = String(comment.body ?? comment.html_body);
      const ticket: FakeZendeskTicket = {
        id: ++nextId,
        subject: input.subject ?? text.slice(0, 80),
        description: text,
        status: 'new',
        tags: input.tags ?? [],
        external_id: input.external_id ?? null,
        requester: (input.requester ?? null) as FakeZendeskTicket['requester'],
        comments: [{ body: text, public: comment.public !== false, created_at: now, author_id: FAKE_AGENT_ID }],
        created_at: now,
        updated_at: now,
        generated_timestamp: nowSeconds(),
      };
      tickets.set(ticket.id, ticket);
      json(response, 201, { ticket: publicTicket(base, ticket), audit: { id: ticket.id * 10, ticket_id: ticket.id, created_at: now, events: [{ type: 'Comment', body: ticket.description, public: ticket.comments[0]!.public }] } });
      return 201;
    }
    const match = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(path);
    const ticket = match ? tickets.get(Number(match[1])) : undefined;
    if (match && !ticket) return (json(response, 404, { error: 'RecordNotFound', description: 'Not found' }), 404);
    if (ticket && request.method === 'GET') return (json(response, 200, { ticket: publicTicket(base, ticket) }), 200);
    if (ticket && request.method === 'PUT') {
      const { ticket: input } = request.valid(UpdateTicket);
      const { comment } = input;
      if (comment) ticket.comments.push({ body: String(comment.body ?? comment.html_body), public: comment.public !== false, created_at: now, author_id: FAKE_AGENT_ID });
      if (input.status) ticket.status = input.status as FakeZendeskTicket['status'];
      ticket.updated_at = now;
      ticket.generated_timestamp = nowSeconds();
      json(response, 200, { ticket: publicTicket(base, ticket), audit: { id: Date.now(), ticket_id: ticket.id, created_at: now, events: comment ? [{ type: 'Comment', body: comment.body, public: comment.public !== false }] : [] } });
      return 200;
    }
    json(response, 404, { error: 'InvalidEndpoint', description: 'Not found' });
    return 404;
  };

  const server = await startFakeServer((request, response) => {
    const entry = { method: request.method, path: request.path, status: 0, body: undefined as unknown };
    requests.push(entry);
    try {
      entry.status = handle(request, response);
    } catch (error) {
      if (error instanceof VendorRejection) {
        entry.status = 422;
        throw error;
      }
      entry.status = 500;
      json(response, 500, { error: 'InternalError' });
    }
  }, { vendor: 'Zendesk', rejection });
  base = server.url;
  return {
    url: base,
    tickets,
    requests,
    async solve(id, webhook) {
      const ticket = tickets.get(id);
      if (!ticket) throw new Error(`no ticket ${id}`);
      ticket.status = 'solved';
      ticket.updated_at = new Date(clock()).toISOString();
      ticket.generated_timestamp = nowSeconds();
      if (!webhook) return undefined;
      const body = JSON.stringify({ ticket_id: String(id), status: 'Solved' });
      const timestamp = new Date().toISOString();
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ZENDESK_SIGNATURE_HEADER]: computeZendeskSignature(webhook.secret, timestamp, body), [ZENDESK_TIMESTAMP_HEADER]: timestamp },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    put(input) {
      const id = input.id ?? ++nextId;
      nextId = Math.max(nextId, id);
      const now = new Date(clock()).toISOString();
      const previous = tickets.get(id);
      const ticket: FakeZendeskTicket = {
        id,
        subject: input.subject,
        description: input.comments[0]?.body ?? '',
        status: input.status,
        tags: input.tags ?? [],
        external_id: null,
        requester: null,
        comments: input.comments.map((c) => ({ body: c.body, public: c.public !== false, created_at: now, author_id: c.author === 'requester' ? requesterOf(id) : FAKE_AGENT_ID })),
        created_at: previous?.created_at ?? now,
        updated_at: now,
        generated_timestamp: nowSeconds(),
      };
      tickets.set(id, ticket);
      return ticket;
    },
    remove(id) {
      const ticket = tickets.get(id);
      if (!ticket) throw new Error(`no ticket ${id}`);
      ticket.status = 'deleted';
      ticket.updated_at = new Date(clock()).toISOString();
      ticket.generated_timestamp = nowSeconds();
    },
    takeViolations: () => server.takeViolations(),
    close: () => server.close(),
  };
}
