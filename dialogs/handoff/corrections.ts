import { ParleyError, visibleInScope, type CorrectionRecord, type QuarantineReason, type Store, type TicketRecord } from '../../bot/core/index.js';
import { redact, type KnowledgeBase, type Retrieval } from '../../knowledge/index.js';
import { isRephrase } from './failure.js';

/** Source of the tickets made from agents' corrections (the fine-tuning dataset reads them too). */
export const CORRECTIONS_SOURCE = 'corrections';

/** What an agent corrects: the question, the bot's answer, the agent's answer and the ticket the bot answered from. */
export interface CorrectionInput {
  question: string;
  original: string;
  corrected: string;
  correctsTicketId: string | null;
  agent: string;
  agentName?: string | null | undefined;
  conversationId?: string | null | undefined;
  messageId?: string | null | undefined;
}

/**
 * The corrections a conversation in knowledge scope `scope` may use: those of its scope and shared ones (every one
 * without a scope), as current in the store.
 */
export async function correctionsInScope(store: Store, scope: string | null | undefined): Promise<TicketRecord[]> {
  const corrections = await store.listTickets({ source: CORRECTIONS_SOURCE });
  return scope ? corrections.filter((c) => visibleInScope(c.scope, scope)) : corrections;
}

/**
 * The ticket a correction becomes: its question and corrected answer, `source: corrections`, `metadata.corrects`, in
 * knowledge scope `scope` (the corrected conversation's; absent: shared).
 */
export function correctionTicket(record: CorrectionRecord, corrected?: TicketRecord, scope?: string | null): TicketRecord {
  // Keep the corrected ticket's labels (category, intent) so the label model files the correction with it.
  const { image: _image, images: _images, ...inherited } = corrected?.metadata ?? {};
  return {
    id: record.id,
    question: record.question,
    answer: record.corrected,
    source: CORRECTIONS_SOURCE,
    ...(scope ? { scope } : {}),
    metadata: {
      ...inherited,
      corrects: record.correctsTicketId,
      correctionId: record.id,
      agent: record.agentName ?? record.agent,
      correctedAt: record.createdAt,
    },
  };
}

/** Confidence given to an agent's correction of the very question asked (or a rewording of it). */
export const CORRECTION_CONFIDENCE = 0.9;

/**
 * Gives corrections priority over retrieval: a correction made for this very question (or a rewording of it) is the
 * answer, with at least {@link CORRECTION_CONFIDENCE} — an agent checked it — even where the bot would have asked to
 * clarify or handed off; and when the best hit is a corrected ticket and one of its corrections is among the hits, that
 * correction takes the best hit's place and score. Corrections no longer stored (reverted) are dropped. Pure.
 */
export function preferCorrections(input: Retrieval, question: string, corrections: readonly TicketRecord[]): Retrieval {
  // A correction reverted elsewhere (another server, the CLI) may still be in this server's index: never use it.
  const current = new Set(corrections.map((c) => c.id));
  const stale = input.hits.some((h) => h.ticket.source === CORRECTIONS_SOURCE && !current.has(h.ticket.id));
  const retrieval = stale ? { ...input, hits: input.hits.filter((h) => h.ticket.source !== CORRECTIONS_SOURCE || current.has(h.ticket.id)) } : input;
  const best = retrieval.hits[0];
  const promote = (winner: TicketRecord, score: number, confidence: number): Retrieval => ({
    ...retrieval,
    confidence,
    outOfScope: false,
    hits: [{ ticket: winner, score }, ...retrieval.hits.filter((h) => h.ticket.id !== winner.id)],
  });
  const direct = corrections.find((c) => isRephrase(c.question, question));
  if (direct) return promote(direct, Math.max(best?.score ?? 0, CORRECTION_CONFIDENCE), Math.max(retrieval.confidence, CORRECTION_CONFIDENCE));
  if (!best || best.ticket.source === CORRECTIONS_SOURCE) return retrieval;
  const hitIds = new Set(retrieval.hits.map((h) => h.ticket.id));
  const winner = corrections.find((c) => c.metadata.corrects === best.ticket.id && hitIds.has(c.id));
  return winner ? promote(winner, best.score, retrieval.confidence) : retrieval;
}

/**
 * Agents' corrections: stored (who, when, original, corrected, question, the ticket corrected), upserted as a ticket
 * of source `corrections` and re-indexed at once; reverting removes that ticket again.
 */
export class Corrections {
  constructor(private readonly options: { store: Store; knowledge: KnowledgeBase }) {}

  /**
   * Stores a correction and makes the bot use it from the next question on — unless the corrected answer asks
   * customers for card data, passwords or one-time codes or links off the operator's domains: then its ticket is held
   * for review like any ingested ticket, and `quarantine` says why.
   */
  async correct(input: CorrectionInput): Promise<CorrectionRecord & { quarantine?: QuarantineReason[] }> {
    const corrected = input.corrected.trim();
    if (!corrected) throw new ParleyError('bad_request', 'the corrected answer must not be empty');
    if (!input.question.trim()) throw new ParleyError('bad_request', 'a correction needs the question it answers');
    const { store, knowledge } = this.options;
    const record = await store.handoffs.addCorrection({
      // The customer's question may carry personal data; the dashboard and exports show it.
      question: redact(input.question.trim()).text,
      original: input.original,
      corrected,
      correctsTicketId: input.correctsTicketId,
      agent: input.agent,
      agentName: input.agentName ?? null,
      conversationId: input.conversationId ?? null,
      messageId: input.messageId ?? null,
    });
    const original = input.correctsTicketId ? knowledge.get(input.correctsTicketId) : undefined;
    // The correction belongs where the corrected answer was given: the conversation's scope, else the corrected
    // ticket's; a correction of shared knowledge in a conversation without a scope is shared.
    const conversation = input.conversationId ? await store.getConversation(input.conversationId) : undefined;
    const scope = conversation?.scope ?? original?.scope;
    // No dedupe: a correction is near the ticket it corrects on purpose.
    const result = await knowledge.ingest([correctionTicket(record, original, scope)], { dedupe: false });
    // Searchable already (encoded with the current model); a new model is learned in the background when due.
    knowledge.scheduleRefit();
    const held = result.quarantinedTickets[0];
    return held ? { ...record, quarantine: held.reasons } : record;
  }

  /** Corrections, newest first (reverted ones with `includeReverted`). */
  list(options: { includeReverted?: boolean } = {}): Promise<CorrectionRecord[]> {
    return this.options.store.handoffs.listCorrections(options);
  }

  /** Reverts a correction: its ticket is removed from search at once (here and, within seconds, on every server). `not_found` when unknown or already reverted. */
  async revert(id: string, by: string): Promise<CorrectionRecord> {
    const { store, knowledge } = this.options;
    const reverted = await store.handoffs.revertCorrection(id, by);
    if (!reverted) throw new ParleyError('not_found', `no active correction ${id}`);
    await knowledge.remove([reverted.id]);
    knowledge.scheduleRefit();
    return reverted;
  }
}
