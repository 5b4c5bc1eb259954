import { z } from 'zod';
import { ParleyError, parseVendorAnswer, type Logger } from '../../bot/core/index.js';
import type { TicketingAdapter } from '../../dialogs/index.js';
import { zendeskConnection, zendeskRequest, type ZendeskConnection } from './http.js';

/** Options of {@link ZendeskTicketing} (`config.zendesk`). */
export interface ZendeskOptions {
  /** The account's URL, e.g. `https://acme.zendesk.com`; `ZENDESK_URL`. */
  url: string;
  /** The agent's e-mail address the API token belongs to; `ZENDESK_EMAIL`. */
  email: string;
  /** An API token (Admin Center → Apps and integrations → Zendesk API); `ZENDESK_API_TOKEN`. */
  apiToken: string;
  logger?: Logger;
  /** Request timeout (ms); default 10 s. */
  timeoutMs?: number;
}

/** Zendesk's answer to `POST /api/v2/tickets.json`: the created ticket, with its id (the fields Parley reads). */
const CreatedTicket = z.looseObject({ ticket: z.looseObject({ id: z.number().int().positive() }) });

/**
 * Zendesk Support as the ticketing adapter of handoffs, over the Tickets API with API-token Basic auth
 * (`{email}/token:{api_token}`): `POST /api/v2/tickets.json` creates the escalation's ticket with the transcript as
 * its first (private) comment, `PUT /api/v2/tickets/{id}.json` with `ticket.comment` adds messages.
 */
export class ZendeskTicketing implements TicketingAdapter {
  readonly system = 'zendesk';
  private readonly connection: ZendeskConnection;

  constructor(options: ZendeskOptions) {
    this.connection = zendeskConnection(options);
  }

  async createTicket(input: { subject: string; body: string; requester: { name: string; email?: string | undefined }; tags: string[]; externalId: string }): Promise<string> {
    const ticket: Record<string, unknown> = {
      subject: input.subject,
      comment: { body: input.body, public: false },
      tags: input.tags,
      external_id: input.externalId,
    };
    // Zendesk needs an e-mail address to create a requester; without one the ticket is the API user's.
    if (input.requester.email) ticket.requester = { name: input.requester.name, email: input.requester.email };
    const answer = parseVendorAnswer(CreatedTicket, await this.request('POST', '/api/v2/tickets.json', { ticket }), 'Zendesk answer to a created ticket');
    return String(answer.ticket.id);
  }

  async addComment(ticketId: string, comment: { body: string; public: boolean }): Promise<void> {
    if (!/^\d+$/.test(ticketId)) throw new ParleyError('bad_request', `not a Zendesk ticket id: ${ticketId}`);
    await this.request('PUT', `/api/v2/tickets/${ticketId}.json`, { ticket: { comment: { body: comment.body, public: comment.public } } });
  }

  private request(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    return zendeskRequest(this.connection, method, path, body);
  }
}
