import type { TicketRecord } from '../../bot/core/index.js';
import { redact, type RedactOptions } from '../redaction/index.js';
import { removeNearDuplicates } from './dedupe.js';

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
}

/**
 * Makes imported tickets safe and lean before anything is stored or indexed: personal data in questions and answers
 * is redacted (the answer may be shown to another customer), then near-duplicates are dropped.
 */
export function prepareTickets(tickets: readonly TicketRecord[], options: PrepareOptions = {}): PrepareResult {
  const findings: Record<string, number> = {};
  let redacted = 0;
  const safe = tickets.map((ticket) => {
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
  if (options.dedupe === false) return { tickets: safe, redacted, findings, duplicates: [] };
  const { kept, removed } = removeNearDuplicates(safe, options.dedupeThreshold ? { threshold: options.dedupeThreshold } : {});
  return { tickets: kept, redacted, findings, duplicates: removed };
}
