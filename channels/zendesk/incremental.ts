import { setTimeout as sleep } from 'node:timers/promises';
import { ParleyError } from '../../bot/core/index.js';
import { ZendeskHttpError, zendeskConnection, zendeskRequest, type ZendeskConnection } from './http.js';

/** Where an incremental export starts: a stored cursor, or a Unix time (seconds) for the first export. */
export type ZendeskExportStart = { cursor: string } | { startTime: number };

/** One page of Zendesk's cursor-based incremental ticket export. */
export interface ZendeskExportPage {
  /** Tickets created or changed (deleted ones have `status: "deleted"`), as Zendesk's Ticket objects. */
  tickets: Record<string, unknown>[];
  /** Where the next page (or, at the end of the stream, the next export) starts. */
  afterCursor: string | undefined;
  /** True when this page reached the present (less the minute Zendesk holds back). */
  endOfStream: boolean;
}

/** A ticket's comments, oldest first, with the sideloaded users (for their roles). */
export interface ZendeskTicketComments {
  comments: Record<string, unknown>[];
  users: Record<string, unknown>[];
}

/** Options of {@link ZendeskIncrementalExport}. */
export interface ZendeskIncrementalExportOptions {
  url: string;
  email: string;
  apiToken: string;
  timeoutMs?: number;
  /** Tickets per export page (Zendesk allows up to 1,000); default 1,000. */
  perPage?: number;
  /** Retries of a rate-limited (429) request, each after its `Retry-After`; default 3. */
  maxRetries?: number;
  /** Longest wait (s) for one `Retry-After`; default 60. */
  maxRetryAfterSeconds?: number;
  /** How to wait (tests); default a timer. */
  wait?: (ms: number) => Promise<void>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const objects = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);

/**
 * Reads what changed in a Zendesk account: the cursor-based incremental ticket export
 * (`GET /api/v2/incremental/tickets/cursor.json?start_time=…`, then `?cursor=…` until `end_of_stream`) and a ticket's
 * comments (`GET /api/v2/tickets/{id}/comments.json?include=users`, following `next_page`). A 429 is retried after
 * its `Retry-After` (the export allows 10 requests a minute).
 */
export class ZendeskIncrementalExport {
  private readonly connection: ZendeskConnection;

  constructor(private readonly options: ZendeskIncrementalExportOptions) {
    this.connection = zendeskConnection(options);
  }

  /** One page of tickets changed since `start`. */
  async ticketsPage(start: ZendeskExportStart): Promise<ZendeskExportPage> {
    const query = new URLSearchParams('cursor' in start ? { cursor: start.cursor } : { start_time: String(Math.max(0, Math.floor(start.startTime))) });
    query.set('per_page', String(this.options.perPage ?? 1000));
    const page = await this.get(`/api/v2/incremental/tickets/cursor.json?${query}`);
    if (!Array.isArray(page.tickets)) throw new ParleyError('internal', 'Zendesk incremental export: the answer has no "tickets" array');
    if (typeof page.end_of_stream !== 'boolean') throw new ParleyError('internal', 'Zendesk incremental export: the answer has no "end_of_stream"');
    const afterCursor = typeof page.after_cursor === 'string' && page.after_cursor ? page.after_cursor : undefined;
    if (!page.end_of_stream && !afterCursor) throw new ParleyError('internal', 'Zendesk incremental export: more pages but no "after_cursor"');
    return { tickets: objects(page.tickets), afterCursor, endOfStream: page.end_of_stream };
  }

  /** Every comment of a ticket with the users who wrote them. */
  async comments(ticketId: string): Promise<ZendeskTicketComments> {
    const result: ZendeskTicketComments = { comments: [], users: [] };
    let next: string | undefined = `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json?include=users`;
    for (let pages = 0; next && pages < 100; pages++) {
      const page = await this.get(next);
      result.comments.push(...objects(page.comments));
      result.users.push(...objects(page.users));
      next = typeof page.next_page === 'string' && page.next_page ? page.next_page : undefined;
    }
    return result;
  }

  private async get(path: string): Promise<Record<string, unknown>> {
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await zendeskRequest(this.connection, 'GET', path);
      } catch (error) {
        if (!(error instanceof ZendeskHttpError) || error.status !== 429 || attempt >= maxRetries) throw error;
        const seconds = Math.min(error.retryAfterSeconds ?? 10, this.options.maxRetryAfterSeconds ?? 60);
        await (this.options.wait ?? sleep)(seconds * 1000);
      }
    }
  }
}
