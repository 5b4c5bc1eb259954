import type { QuarantineReason, TicketRecord } from '../../bot/core/index.js';
import { detectSensitiveRequest, type SensitiveRequestOptions } from '../generation/guardrails/sensitive-request.js';

/** How tickets are screened at ingest: the operator's own domains (`PARLEY_OPERATOR_DOMAINS`); see {@link screenTicket}. */
export type ScreenOptions = SensitiveRequestOptions;

/** Metadata fields whose link is shown to customers as the source's link: screened like the answer. */
const LINK_FIELDS = ['url', 'link', 'article_url', 'articleUrl', 'help_url'] as const;

/**
 * Why a ticket may not be answered from: its answer (or its public link) asks customers for card data, CVVs,
 * passwords or one-time codes, or sends them to links outside the operator's domains. Empty when it is safe. The
 * question is the past customer's own words and is never shown, so it is not screened. Pure.
 */
export function screenTicket(ticket: TicketRecord, options: ScreenOptions = {}): QuarantineReason[] {
  const links = LINK_FIELDS.map((field) => ticket.metadata[field]).filter((value): value is string => typeof value === 'string');
  return detectSensitiveRequest([ticket.answer, ...links].join('\n'), options);
}

/** Tickets split into those safe to index and those to hold for review, with the reasons. */
export function screenTickets(tickets: readonly TicketRecord[], options: ScreenOptions = {}): { safe: TicketRecord[]; held: { ticket: TicketRecord; reasons: QuarantineReason[] }[] } {
  const safe: TicketRecord[] = [];
  const held: { ticket: TicketRecord; reasons: QuarantineReason[] }[] = [];
  for (const ticket of tickets) {
    const reasons = screenTicket(ticket, options);
    if (reasons.length) held.push({ ticket, reasons });
    else safe.push(ticket);
  }
  return { safe, held };
}
