import type { ConversationRecord, CorrectionRecord, MessageRecord, TicketRecord } from '../../bot/core/index.js';
import { DEFAULT_SENSITIVE_OPTIONS, type SensitiveOptions } from '../../dialogs/index.js';

/** Everything the scorers read about one conversation; pure data, so scorers are pure functions. */
export interface ScorerInput {
  conversation: ConversationRecord;
  /** The transcript, in order. */
  messages: MessageRecord[];
  /** Looks up a cited ticket by id (the knowledge base or the store's tickets). */
  ticket(id: string): TicketRecord | undefined;
  /** Agents' corrections of answers given in this conversation (reverted ones too: the answer was still corrected). */
  corrections: readonly Pick<CorrectionRecord, 'id'>[];
  /** The customer's 1–5 rating, when given. */
  csat?: number | undefined;
  /** When it is scored (ISO 8601): how long a handoff has waited so far; default the last message's time. */
  now?: string | undefined;
}

/** Thresholds the scorers judge against; see {@link DEFAULT_SCORER_OPTIONS}. */
export interface ScorerOptions {
  /** The bot's answer threshold: a handoff with at least this confidence had a good answer at hand. Default 0.3. */
  answerThreshold: number;
  /** Frustration score (−1…1) at or below which the customer needs a person. Default −0.5. */
  frustrationThreshold: number;
  /** An answer supported below this is flagged `ungrounded answer`. Default 0.6. */
  groundedThreshold: number;
  /** An answer less similar than this to its question is flagged `irrelevant answer`. Default 0.1. */
  relevanceThreshold: number;
  /**
   * An answer whose fit is below this is flagged `unfitting answer`. Default 0.2 (on the tuning half of the labelled
   * set `evaluations/scorers/answer-fit.jsonl`, 96 % of the answers it flags are wrong).
   */
  fitThreshold: number;
  /** Two customer messages at least this similar are the same question asked again. Default 0.7. */
  repeatThreshold: number;
  /** A first reply later than this (ms) is flagged `slow first response`. Default 5 minutes. */
  slowFirstResponseMs: number;
  /** How long a handoff may wait for a person's first message before it counts as unanswered (ms). Default 15 minutes. */
  unansweredHandoffMs: number;
  /** Topics that need a person (as the bot's handoff policy is configured). Default: the dialogs layer's defaults. */
  sensitive: SensitiveOptions;
}

/** The defaults of {@link ScorerOptions}. */
export const DEFAULT_SCORER_OPTIONS: ScorerOptions = {
  answerThreshold: 0.3,
  frustrationThreshold: -0.5,
  groundedThreshold: 0.6,
  relevanceThreshold: 0.1,
  fitThreshold: 0.2,
  repeatThreshold: 0.7,
  slowFirstResponseMs: 5 * 60_000,
  unansweredHandoffMs: 15 * 60_000,
  sensitive: DEFAULT_SENSITIVE_OPTIONS,
};

/** The score of one bot answer. */
export interface AnswerScore {
  /** Id of the bot message. */
  id: string;
  question: string;
  answer: string;
  /** Ids of the tickets the answer cited. */
  sources: string[];
  /** 0–1: how much of the answer its sources support (0 for a factual answer citing nothing). */
  groundedness: number;
  /** 0–1: similarity of the answer (or the ticket it cites) to the question, lowered when their entities contradict it. */
  relevance: number;
  /** 0–1: relevance times the share of the answer its sources support (see `answerFit`); low = wrong source or answer. */
  fit: number;
  /** −1…1: the question's countries, platforms, payment methods… against the answer's and its sources'. */
  entityAgreement: number;
  /** What contradicts the question, e.g. `country: canada ≠ us, uk, eu`. */
  contradictions: string[];
  confidence: number | null;
}

/** What the handoff scorer found. */
export interface HandoffAssessment {
  handedOff: boolean;
  reason: string | null;
  /** 0-based index (among customer messages) of the first message that needed a person, if any. */
  neededAt: number | null;
  /** 0-based index (among customer messages) of the message the handoff answered, if any. */
  handedOffAt: number | null;
  /** Why a person was needed at `neededAt` (`asked for a person`, `sensitive topic`, `frustration`, `repeated question`). */
  need: string | null;
  late: boolean;
  unnecessary: boolean;
  missed: boolean;
  /** Handed off, and no person wrote within `unansweredHandoffMs` of it (by the time scored, or ever). */
  unanswered: boolean;
  appropriate: boolean;
}

/**
 * The score of one try-on or photo turn: a bot reply that shows the customer generated or product images, or that
 * answers a customer's photo. Such a turn cites no tickets, so it is not scored for groundedness; it is scored on
 * whether the customer got the picture.
 */
export interface VisionTurnScore {
  /** Id of the bot message. */
  id: string;
  kind: 'vision';
  /** The customer message it answers (its text; may be empty for a photo alone). */
  question: string;
  answer: string;
  /** How many images the reply carries. */
  images: number;
  /** True when the reply carries at least one image. */
  delivered: boolean;
  /** True when it answers a customer message that brought a photo. */
  fromPhoto: boolean;
}
