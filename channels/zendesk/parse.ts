import { ParleyError } from '../../bot/core/index.js';

/** A ticket update from a Zendesk webhook: the ticket id and its status, lower-case (`solved`, `closed`, `open`, …). */
export interface ZendeskTicketUpdate {
  ticketId: string;
  status: string;
}

const rec = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const idOf = (value: unknown): string | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? String(value) : typeof value === 'string' && /^\d+$/.test(value.trim()) ? value.trim() : undefined);

/**
 * Reads a ticket update from a webhook body: the trigger payload Parley documents (`{"ticket_id": "{{ticket.id}}",
 * "status": "{{ticket.status}}"}`), a `{"ticket": {"id", "status"}}` body, or a Zendesk event webhook
 * (`zen:event-type:ticket.status_changed`, with `detail.id` and `event.current`). Throws `bad_request` otherwise.
 */
export function parseZendeskUpdate(body: unknown): ZendeskTicketUpdate {
  const root = rec(body);
  const ticket = rec(root.ticket);
  const detail = rec(root.detail);
  const event = rec(root.event);
  const ticketId = idOf(root.ticket_id) ?? idOf(ticket.id) ?? idOf(detail.id);
  const status = [root.status, ticket.status, event.current, detail.status].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (!ticketId) throw new ParleyError('bad_request', 'the Zendesk webhook body has no ticket id ("ticket_id", "ticket.id" or "detail.id")');
  if (!status) throw new ParleyError('bad_request', 'the Zendesk webhook body has no ticket status ("status", "ticket.status" or "event.current")');
  return { ticketId, status: status.trim().toLowerCase() };
}

/** True for the statuses that end a ticket. */
export function isSolved(status: string): boolean {
  return status === 'solved' || status === 'closed';
}
