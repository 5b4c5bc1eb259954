import { z } from 'zod';
import { parseInput } from '../../bot/core/index.js';

/** A ticket update from a Zendesk webhook: the ticket id and its status, lower-case (`solved`, `closed`, `open`, …). */
export interface ZendeskTicketUpdate {
  ticketId: string;
  status: string;
}

const NO_TICKET_ID = 'no ticket id (a positive integer, or its digits as text)';
/** A ticket id: a positive integer, or its digits as text (`"{{ticket.id}}"`, an event's `detail.id`). */
const TicketId = z
  .union([z.number().int(NO_TICKET_ID).positive(NO_TICKET_ID), z.string().trim().regex(/^\d+$/, NO_TICKET_ID)], { error: NO_TICKET_ID })
  .transform(String);
/** A status, lower-cased (`"{{ticket.status}}"` gives `Solved`, events `SOLVED`). */
const Status = z.string('no ticket status (a string)').trim().min(1, 'no ticket status (a blank string)').toLowerCase();

/**
 * The three accepted bodies in one schema: the trigger payload (`ticket_id`, `status`), `{"ticket": {"id", "status"}}`,
 * and an event webhook (`detail.id`, `event.current` or `detail.status`). Other fields pass.
 */
const ZendeskUpdateBody = z
  .looseObject(
    {
      ticket_id: TicketId.nullish(),
      status: Status.nullish(),
      ticket: z.looseObject({ id: TicketId.nullish(), status: Status.nullish() }).nullish(),
      detail: z.looseObject({ id: TicketId.nullish(), status: Status.nullish() }).nullish(),
      event: z.looseObject({ current: Status.nullish() }).nullish(),
    },
    'must be a JSON object',
  )
  .transform((body, ctx) => {
    const ticketId = body.ticket_id ?? body.ticket?.id ?? body.detail?.id;
    const status = body.status ?? body.ticket?.status ?? body.event?.current ?? body.detail?.status;
    if (!ticketId) ctx.addIssue({ code: 'custom', path: ['ticket_id'], message: 'no ticket id ("ticket_id", "ticket.id" or "detail.id")' });
    else if (!status) ctx.addIssue({ code: 'custom', path: ['status'], message: 'no ticket status ("status", "ticket.status" or "event.current")' });
    return ticketId && status ? { ticketId, status } : z.NEVER;
  });

/**
 * Reads a ticket update from a webhook body with zod: the trigger payload Parley documents (`{"ticket_id":
 * "{{ticket.id}}", "status": "{{ticket.status}}"}`), a `{"ticket": {"id", "status"}}` body, or a Zendesk event webhook
 * (`zen:event-type:ticket.status_changed`, with `detail.id` and `event.current`). Throws `bad_request` naming the field
 * otherwise.
 */
export function parseZendeskUpdate(body: unknown): ZendeskTicketUpdate {
  return parseInput(ZendeskUpdateBody, body, 'Zendesk webhook body');
}

/** True for the statuses that end a ticket. */
export function isSolved(status: string): boolean {
  return status === 'solved' || status === 'closed';
}
