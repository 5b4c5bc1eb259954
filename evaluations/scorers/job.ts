import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ConversationRecord, ConversationScore, CorrectionRecord, Logger, Store, TicketRecord } from '../../bot/core/index.js';
import { judgeConversation } from './judge.js';
import { scoreConversationOffline, toConversationScore } from './score.js';
import { DEFAULT_SCORER_OPTIONS, type ScorerInput, type ScorerOptions } from './types.js';

/** How long an open conversation's score stands before the conversation's new messages get it scored again (ms). */
export const RESCORE_OPEN_AFTER_MS = 60_000;

/** Options of {@link ConversationScorer}. */
export interface ConversationScorerOptions {
  store: Store;
  logger?: Logger;
  /** Looks a cited ticket up (e.g. the knowledge base's `get`); default: the store's tickets, read once per run. */
  ticket?: (id: string) => TicketRecord | undefined;
  /**
   * A chat model for LLM-as-judge on top of the offline scorers, or a function resolving the current one (undefined:
   * none configured, the offline scores stand); default none (offline only).
   */
  judge?: BaseChatModel | (() => Promise<BaseChatModel | undefined>) | undefined;
  scorer?: Partial<ScorerOptions>;
  /** The clock; default `() => new Date()`. */
  now?: () => Date;
}

/**
 * Scores conversations and stores the results: one on demand, every closed one not yet scored (the job run on close,
 * from the maintenance pass), or all created since a date (`parley eval conversations`).
 */
export class ConversationScorer {
  constructor(private readonly options: ConversationScorerOptions) {}

  /**
   * Scores and stores one conversation. `lookup` and `corrections` (every correction, reverted ones too) are read from
   * the store when left out; a pass over many conversations reads them once for all.
   */
  async score(conversation: ConversationRecord, lookup?: (id: string) => TicketRecord | undefined, corrections?: readonly CorrectionRecord[]): Promise<ConversationScore> {
    const { store } = this.options;
    const ticket = lookup ?? (await this.ticketLookup());
    const [messages, csat, allCorrections] = await Promise.all([
      store.listMessages(conversation.id),
      store.evaluations.getCsat(conversation.id),
      corrections ?? store.handoffs.listCorrections({ includeReverted: true }),
    ]);
    const scoredAt = (this.options.now?.() ?? new Date()).toISOString();
    const input: ScorerInput = {
      conversation,
      messages,
      ticket,
      corrections: allCorrections.filter((c) => c.conversationId === conversation.id),
      csat: csat?.rating,
      // A closed conversation waits no longer: its wait for a person ended with its last message.
      ...(conversation.status === 'closed' ? {} : { now: scoredAt }),
    };
    const offline = scoreConversationOffline(input, this.options.scorer);
    let result: ConversationScore = { ...toConversationScore(conversation.id, offline, scoredAt), scope: conversation.scope ?? null };
    const judge = typeof this.options.judge === 'function' ? await this.options.judge() : this.options.judge;
    if (judge) result = { ...result, ...(await judgeConversation(judge, input, offline, this.options.scorer)) };
    else if (this.options.judge) result.details = { ...result.details, judge: { error: 'no chat model configured: the offline scores stand' } };
    await store.evaluations.saveScore(result);
    return result;
  }

  /** The pass running now, if any, and the one asked for meanwhile (see {@link scoreDue}). */
  private running: Promise<ConversationScore[]> | undefined;
  private following: Promise<ConversationScore[]> | undefined;

  /**
   * Scores the conversations due (answered and never scored, or closed since their score; at most `limit`); returns
   * their scores. Passes of one scorer do not overlap: a call while a pass runs gets one more pass after it, shared by
   * every call made meanwhile (the running pass may have listed what was due before their conversations were
   * answered). Overlapping passes listed, and scored, the same conversations again.
   */
  scoreDue(limit = 200): Promise<ConversationScore[]> {
    if (!this.running) return this.startPass(limit);
    this.following ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.following = undefined;
        return this.startPass(limit);
      });
    return this.following;
  }

  private startPass(limit: number): Promise<ConversationScore[]> {
    const pass = this.pass(limit).finally(() => {
      if (this.running === pass) this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  private async pass(limit: number): Promise<ConversationScore[]> {
    // Open conversations are scored again as they go on (at most once a minute) and while they wait for a person: a
    // conversation scored after its first answer showed that score, a handoff waiting for nobody unflagged, until it closed.
    const now = (this.options.now?.() ?? new Date()).getTime();
    const waitMs = this.options.scorer?.unansweredHandoffMs ?? DEFAULT_SCORER_OPTIONS.unansweredHandoffMs;
    const refresh = { changedBefore: new Date(now - RESCORE_OPEN_AFTER_MS).toISOString(), waitingBefore: new Date(now - waitMs).toISOString() };
    const pending = await this.options.store.evaluations.listDueForScoring(limit, refresh);
    if (pending.length === 0) return [];
    const lookup = await this.ticketLookup();
    const corrections = await this.options.store.handoffs.listCorrections({ includeReverted: true });
    const scores: ConversationScore[] = [];
    for (const conversation of pending) {
      // A pass runs beside live turns. An embedded store answers at once, so without this the whole pass (reads, the
      // scorers and a write for each of up to `limit` conversations) ran in one turn of the event loop: 100–300 ms
      // every few seconds under web chat load, every turn waiting, which was the open-loop p99. One conversation per
      // loop turn lets turns run in between.
      await nextLoopTurn();
      try {
        scores.push(await this.score(conversation, lookup, corrections));
      } catch (error) {
        this.options.logger?.warn({ err: error, conversationId: conversation.id }, 'scoring a conversation failed');
      }
    }
    return scores;
  }

  /** Scores every conversation created at or after `since` (ISO 8601), whatever its status. */
  async scoreSince(since: string, limit = 10_000): Promise<ConversationScore[]> {
    const rows = await this.options.store.evaluations.listScoredConversations({ since, limit });
    const lookup = await this.ticketLookup();
    const corrections = await this.options.store.handoffs.listCorrections({ includeReverted: true });
    const scores: ConversationScore[] = [];
    for (const { conversation } of rows.reverse()) scores.push(await this.score(conversation, lookup, corrections));
    return scores;
  }

  private async ticketLookup(): Promise<(id: string) => TicketRecord | undefined> {
    if (this.options.ticket) return this.options.ticket;
    const byId = new Map((await this.options.store.listTickets()).map((t) => [t.id, t]));
    return (id) => byId.get(id);
  }
}
