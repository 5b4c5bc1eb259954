import type { Decision } from '../policy.js';
import { answerComplaint, complaintOnly, isRephrase } from './failure.js';
import { DEFAULT_FRUSTRATION_THRESHOLD, frustrationScore } from './sentiment.js';
import { SENSITIVE_TOPICS, sensitiveTopic, type SensitiveTopic } from './sensitive.js';
import { asksForHuman } from './triggers.js';
import { isVip, type CustomerIdentity } from './vip.js';

/** Why a trigger (rather than retrieval confidence) hands a conversation to a person. */
export type HandoffTriggerReason = 'sensitive_topic' | 'customer_request' | 'vip' | 'frustration' | 'repeated_failure';

/** Settings of the handoff triggers; `bot/config` reads them from the environment. */
export interface HandoffOptions {
  /** Refunds above this amount (any currency, no conversion) go to a person; `PARLEY_HANDOFF_REFUND_LIMIT`, default 200. */
  refundLimit: number;
  /** Topics that always go to a person; `PARLEY_HANDOFF_SENSITIVE_TOPICS`, default all of legal, safety, refund. */
  sensitiveTopics: readonly SensitiveTopic[];
  /** VIP user ids and `@domain` e-mail domains; `PARLEY_VIP_USERS`, default none. */
  vipUsers: readonly string[];
  /** Failed answers in a conversation after which a person takes over; `PARLEY_HANDOFF_MAX_FAILURES`, default 2. */
  maxFailures: number;
  /** Frustration score (−1…1) at or below which a person takes over; `PARLEY_FRUSTRATION_THRESHOLD`, default −0.5. */
  frustrationThreshold: number;
}

/** The defaults of {@link HandoffOptions}. */
export const DEFAULT_HANDOFF_OPTIONS: HandoffOptions = {
  refundLimit: 200,
  sensitiveTopics: SENSITIVE_TOPICS,
  vipUsers: [],
  maxFailures: 2,
  frustrationThreshold: DEFAULT_FRUSTRATION_THRESHOLD,
};

/** A trigger that fired: the reason recorded on the conversation and what made it fire. */
export interface HandoffTrigger {
  reason: HandoffTriggerReason;
  details: Record<string, unknown>;
}

/** The bot's previous reply in the conversation, as the failure trigger needs it. */
export interface PreviousTurn {
  action: 'answer' | 'clarify' | 'handoff';
  /** The customer message that reply answered. */
  question?: string;
  /** The ticket the reply answered from, when it did. */
  ticketId?: string;
  /** When the reply was a clarifying question: the ticket of the bot's last answer before it, if any. */
  lastAnswerTicketId?: string;
}

/**
 * True when `decision` answers with the ticket the bot last answered with: the previous reply's, or the answer just
 * before a clarifying question (asked again after the bot offered other topics instead of repeating itself). Pure.
 */
export function repeatsLastAnswer(decision: Decision, previous: PreviousTurn | undefined): boolean {
  if (decision.action !== 'answer' || !previous) return false;
  const last = previous.action === 'answer' ? previous.ticketId : previous.action === 'clarify' ? previous.lastAnswerTicketId : undefined;
  return last !== undefined && last === decision.hit.ticket.id;
}

/** What the policy made of one customer message before retrieval. */
export interface TurnAssessment {
  /** The trigger that hands off now, if any. */
  trigger?: HandoffTrigger;
  /** This message counted as a failed answer: a complaint about, or a repeat of, the last answered question. */
  failed: boolean;
  /** Failed answers in the conversation so far, this message included. */
  failures: number;
  /** The message only complains, with no new question to look up. */
  complaintOnly: boolean;
  vip: boolean;
  /** {@link frustrationScore} of the message. */
  frustration: number;
  /** True when the frustration score is at or below the threshold (the customer gets an apology first). */
  frustrated: boolean;
}

/** A frustration score at or below this hands off even on the first message. */
const FURIOUS = -0.8;

/** One customer message in context: the conversation, failures counted before it and the bot's previous reply. */
export interface TurnInput {
  text: string;
  conversation: CustomerIdentity;
  failures: number;
  previous?: PreviousTurn;
}

/**
 * The handoff triggers that run before anything is looked up, in order of precedence: a sensitive topic (safety,
 * legal, a large refund), an explicit request for a person, a VIP who is frustrated or was not helped, frustration
 * (after a bot reply, or fury at any time), then the `maxFailures`-th failed answer. Retrieval (and {@link assessDecision}) only runs when none fired.
 *
 * VIPs are not handed off on sight: they still get quick, confident answers (and greetings), but never a clarifying
 * question about their issue, a second try or a low-confidence reply — any of those hands them to a person with reason
 * `vip`, as does sounding frustrated. A person for every VIP message would waste agents' time on "where is my parcel";
 * a VIP left to guess between options or to ask twice is what must not happen. Pure.
 */
export function assessTurn(input: TurnInput, options: HandoffOptions = DEFAULT_HANDOFF_OPTIONS): TurnAssessment {
  const { text, conversation, previous } = input;
  const vip = isVip(conversation, options.vipUsers);
  const frustration = frustrationScore(text);
  const frustrated = frustration <= options.frustrationThreshold;
  const complaint = previous && previous.action !== 'handoff' ? answerComplaint(text) : undefined;
  const repeated = !complaint && previous?.action === 'answer' && previous.question !== undefined && isRephrase(previous.question, text);
  const failed = complaint !== undefined || repeated;
  const failures = input.failures + (failed ? 1 : 0);
  const base = { failed, failures, complaintOnly: complaint !== undefined && complaintOnly(complaint), vip, frustration, frustrated };
  const fire = (reason: HandoffTriggerReason, details: Record<string, unknown>): TurnAssessment => ({ ...base, trigger: { reason, details } });

  const sensitive = sensitiveTopic(text, { topics: options.sensitiveTopics, refundLimit: options.refundLimit });
  if (sensitive) return fire('sensitive_topic', { ...sensitive });
  if (asksForHuman(text)) return fire('customer_request', {});
  if (vip && (frustrated || failed)) return fire('vip', frustrated ? { signal: 'frustration', frustration } : { signal: 'repeated_failure', failures });
  // Anger at the first message is often about the problem, not the bot: the bot still answers (after an apology)
  // unless the customer is furious; once the bot has replied, frustration means a person should take over.
  const furious = frustration <= Math.min(FURIOUS, options.frustrationThreshold);
  if (frustrated && (furious || previous)) return fire('frustration', { frustration, threshold: options.frustrationThreshold });
  if (failed && failures >= options.maxFailures) return fire('repeated_failure', { failures, signal: complaint ? 'complaint' : 'rephrase', ...(complaint ? { match: complaint.match } : {}) });
  return base;
}

/** What the policy made of the retrieval decision: a trigger that overrides it, and the failure count after it. */
export interface DecisionAssessment {
  trigger?: HandoffTrigger;
  failures: number;
}

/**
 * The triggers that depend on the retrieval decision: a VIP gets a person instead of a clarifying question or a
 * low-confidence handoff (reason `vip`), and a decision to answer with the very ticket the bot just answered with
 * counts as one more failed answer (the customer asked again in other words), handing off at `maxFailures`. Pure.
 */
export function assessDecision(decision: Decision, turn: TurnAssessment, previous: PreviousTurn | undefined, options: HandoffOptions = DEFAULT_HANDOFF_OPTIONS): DecisionAssessment {
  if (turn.vip && decision.action !== 'answer') {
    return { failures: turn.failures, trigger: { reason: 'vip', details: { signal: decision.action === 'clarify' ? 'clarify' : decision.reason, confidence: decision.confidence } } };
  }
  if (decision.action !== 'answer' || turn.failed || !repeatsLastAnswer(decision, previous)) return { failures: turn.failures };
  const failures = turn.failures + 1;
  if (turn.vip) return { failures, trigger: { reason: 'vip', details: { signal: 'repeated_failure', failures } } };
  if (failures >= options.maxFailures) return { failures, trigger: { reason: 'repeated_failure', details: { failures, signal: 'same_answer', ticketId: decision.hit.ticket.id } } };
  return { failures };
}
