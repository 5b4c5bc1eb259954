import { scopeKey, type QuarantineReason, type TicketRecord } from '../../bot/core/index.js';
import { redact, type RedactOptions } from '../redaction/index.js';
import { removeNearDuplicates, type DedupeOptions, type DedupeResult } from './dedupe.js';
import { screenTickets, type ScreenOptions } from './screen.js';

/** Options of {@link prepareTickets}. */
export interface PrepareOptions {
  /** Replace personal data with typed placeholders; default true. */
  redact?: boolean;
  /** Words and @handles never redacted (e.g. your brand's handle). */
  keep?: RedactOptions['keep'];
  /** Drop near-duplicate tickets (Jaccard ≥ threshold); default true at 0.9. */
  dedupe?: boolean;
  dedupeThreshold?: number;
  /** Called after each ticket is redacted (for progress bars). */
  onTicket?: () => void;
  /**
   * Hold back tickets that would phish customers ({@link screenTickets}); default on, with no operator domains.
   * `false` only for data already reviewed.
   */
  screen?: ScreenOptions | false;
}

/** What preparation did. */
export interface PrepareResult {
  tickets: TicketRecord[];
  /** Tickets in which personal data was replaced. */
  redacted: number;
  /** Personal data found, by kind. */
  findings: Record<string, number>;
  /** Near-duplicate tickets dropped, with the ticket each duplicates. */
  duplicates: { id: string; duplicateOf: string; similarity: number }[];
  /** Tickets held back for review (redacted like the others), with why; not in `tickets`. */
  quarantined: { ticket: TicketRecord; reasons: QuarantineReason[] }[];
}

/**
 * Makes imported tickets safe and lean before anything is stored or indexed: tickets whose answer asks customers for
 * card data, passwords or one-time codes or sends them off-site are set aside for review (screened before redaction,
 * which would hide the links), personal data in questions and answers is redacted (the answer may be shown to
 * another customer), then near-duplicates are dropped.
 */
export function prepareTickets(tickets: readonly TicketRecord[], options: PrepareOptions = {}): PrepareResult {
  const findings: Record<string, number> = {};
  let redacted = 0;
  const screened = options.screen === false ? { safe: [...tickets], held: [] } : screenTickets(tickets, options.screen ?? {});
  const heldIds = new Set(screened.held.map((h) => h.ticket.id));
  const all = tickets.map((ticket) => {
    options.onTicket?.();
    if (options.redact === false) return ticket;
    const question = redact(ticket.question, options.keep ? { keep: options.keep } : {});
    const answer = redact(ticket.answer, options.keep ? { keep: options.keep } : {});
    const found = [...question.findings, ...answer.findings];
    if (found.length === 0) return ticket;
    redacted++;
    for (const f of found) findings[f.kind] = (findings[f.kind] ?? 0) + 1;
    return { ...ticket, question: question.text, answer: answer.text };
  });
  const safe = all.filter((ticket) => !heldIds.has(ticket.id));
  const reasons = new Map(screened.held.map((h) => [h.ticket.id, h.reasons]));
  const quarantined = all.flatMap((ticket) => (heldIds.has(ticket.id) ? [{ ticket, reasons: reasons.get(ticket.id) ?? [] }] : []));
  if (options.dedupe === false) return { tickets: safe, redacted, findings, duplicates: [], quarantined };
  const { kept, removed } = dedupeWithinScopes(safe, options.dedupeThreshold ? { threshold: options.dedupeThreshold } : {});
  return { tickets: kept, redacted, findings, duplicates: removed, quarantined };
}

/**
 * Near-duplicates are dropped within each knowledge scope only: two brands may answer the same question alike, and
 * each keeps its ticket. Kept tickets stay in input order.
 */
function dedupeWithinScopes(tickets: readonly TicketRecord[], options: DedupeOptions): DedupeResult {
  const byScope = new Map<string, TicketRecord[]>();
  for (const ticket of tickets) {
    const key = scopeKey(ticket.scope);
    const group = byScope.get(key);
    if (group) group.push(ticket);
    else byScope.set(key, [ticket]);
  }
  if (byScope.size <= 1) return removeNearDuplicates(tickets, options);
  const kept = new Set<TicketRecord>();
  const removed: DedupeResult['removed'] = [];
  for (const group of byScope.values()) {
    const result = removeNearDuplicates(group, options);
    for (const ticket of result.kept) kept.add(ticket);
    removed.push(...result.removed);
  }
  return { kept: tickets.filter((ticket) => kept.has(ticket)), removed };
}
