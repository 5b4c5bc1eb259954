import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseVendorAnswer } from '../../bot/core/index.js';
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

/** Zendesk's objects (tickets, comments, users): read field by field later, by the ticket conversion. */
const Objects = z.array(z.record(z.string(), z.unknown()));

/** A page of the cursor-based incremental ticket export (the fields Parley reads; Zendesk sends more). */
const ExportPage = z
  .looseObject({ tickets: Objects, end_of_stream: z.boolean(), after_cursor: z.string().nullish() })
  .refine((page) => page.end_of_stream || Boolean(page.after_cursor), { path: ['after_cursor'], message: 'more pages (end_of_stream false) but no cursor' });

/** A page of a ticket's comments, with the sideloaded users (`include=users`) and the next page's URL. */
const CommentsPage = z.looseObject({ comments: Objects, users: Objects.nullish(), next_page: z.string().nullish() });

/**
 * Reads what changed in a Zendesk account (each answer checked with zod; one that does not fit is an `internal` error
 * naming the field): the cursor-based incremental ticket export
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
    const page = parseVendorAnswer(ExportPage, await this.get(`/api/v2/incremental/tickets/cursor.json?${query}`), 'Zendesk incremental export page');
    return { tickets: page.tickets, afterCursor: page.after_cursor || undefined, endOfStream: page.end_of_stream };
  }

  /** Every comment of a ticket with the users who wrote them. */
  async comments(ticketId: string): Promise<ZendeskTicketComments> {
    const result: ZendeskTicketComments = { comments: [], users: [] };
    let next: string | undefined = `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json?include=users`;
    for (let pages = 0; next && pages < 100; pages++) {
      const page: z.output<typeof CommentsPage> = parseVendorAnswer(CommentsPage, await this.get(next), 'Zendesk ticket comments page');
      result.comments.push(...page.comments);
      result.users.push(...(page.users ?? []));
      next = page.next_page || undefined;
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
