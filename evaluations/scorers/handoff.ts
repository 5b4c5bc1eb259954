import type { MessageRecord } from '../../bot/core/index.js';
import { asksForHuman, frustrationScore, sensitiveTopic, smallTalk } from '../../dialogs/index.js';
import { contentWords, cosine } from './text.js';
import type { HandoffAssessment, ScorerInput, ScorerOptions } from './types.js';

/** Handoff reasons that mean "the bot had no good answer"; with a confident answer at hand they were unnecessary. */
const NO_ANSWER_REASONS = new Set(['low_confidence', 'no_match', 'out_of_scope', 'repeated_failure']);

/** Indexes (among `customer`) of messages that repeat an earlier question of the same conversation. */
export function repeatedQuestions(customer: readonly MessageRecord[], threshold: number): number[] {
  const repeated: number[] = [];
  customer.forEach((message, j) => {
    if (smallTalk(message.text) || contentWords(message.text).length < 2) return;
    const again = customer.slice(0, j).some((earlier) => !smallTalk(earlier.text) && cosine(earlier.text, message.text) >= threshold);
    if (again) repeated.push(j);
  });
  return repeated;
}

/** Why the customer message needed a person, or null. */
function needOf(text: string, repeated: boolean, options: ScorerOptions): string | null {
  if (asksForHuman(text)) return 'asked for a person';
  if (sensitiveTopic(text, options.sensitive)) return 'sensitive topic';
  if (frustrationScore(text) <= options.frustrationThreshold) return 'frustration';
  if (repeated) return 'repeated question';
  return null;
}

/**
 * Was the handoff appropriate? A person was needed from the first customer message that asked for one, raised a
 * sensitive topic, sounded frustrated or repeated an earlier question. The handoff is `late` when it answered a later
 * message than that, `missed` when it never came, and `unnecessary` when it was for lack of an answer (`low_confidence`,
 * `no_match`, …) although the bot's confidence was at or above its answer threshold and nothing else called for a person.
 */
export function assessHandoff(input: ScorerInput, options: ScorerOptions): HandoffAssessment {
  const customer = input.messages.filter((m) => m.role === 'customer');
  const repeated = new Set(repeatedQuestions(customer, options.repeatThreshold));
  let neededAt: number | null = null;
  let need: string | null = null;
  for (const [i, message] of customer.entries()) {
    need = needOf(message.text, repeated.has(i), options);
    if (need) {
      neededAt = i;
      break;
    }
  }

  const handoffIndex = input.messages.findIndex((m) => m.role === 'bot' && m.activity.action === 'handoff');
  const handoffMessage = handoffIndex >= 0 ? input.messages[handoffIndex] : undefined;
  const agentJoined = input.messages.some((m) => m.role === 'agent');
  const handedOff = Boolean(handoffMessage) || input.conversation.handoffReason !== null || agentJoined;
  const reason = handoffMessage?.activity.handoff?.reason ?? input.conversation.handoffReason;

  let handedOffAt: number | null = null;
  if (handoffMessage) {
    const answered = handoffMessage.activity.replyToId
      ? customer.findIndex((m) => m.id === handoffMessage.activity.replyToId)
      : customer.filter((m) => input.messages.indexOf(m) < handoffIndex).length - 1;
    handedOffAt = answered >= 0 ? answered : null;
  }
  const late = handedOff && neededAt !== null && handedOffAt !== null && handedOffAt > neededAt;
  const confidence = handoffMessage?.activity.confidence;
  const unnecessary =
    handedOff &&
    reason !== null &&
    NO_ANSWER_REASONS.has(reason) &&
    confidence !== undefined &&
    confidence >= options.answerThreshold &&
    (neededAt === null || (handedOffAt !== null && neededAt > handedOffAt));
  const missed = !handedOff && neededAt !== null;
  return { handedOff, reason: reason ?? null, neededAt, handedOffAt, need, late, unnecessary, missed, unanswered: handoffUnanswered(input, handoffIndex, options), appropriate: !late && !unnecessary && !missed };
}

/**
 * True when the bot handed off (`handoffIndex`) and no person wrote within `unansweredHandoffMs`: no agent message
 * after the handoff, and the wait — until the first agent message, else until `input.now` (the last message's time
 * when not given) — is that long. A customer left waiting for nobody is not a good handoff, however appropriate.
 */
function handoffUnanswered(input: ScorerInput, handoffIndex: number, options: ScorerOptions): boolean {
  const handoff = input.messages[handoffIndex];
  if (!handoff) return false;
  const agent = input.messages.slice(handoffIndex + 1).find((m) => m.role === 'agent');
  const until = agent?.createdAt ?? input.now ?? input.messages.at(-1)?.createdAt;
  if (!until) return false;
  return Date.parse(until) - Date.parse(handoff.createdAt) >= options.unansweredHandoffMs;
}
