import type { ConversationScore } from '../../bot/core/index.js';
import { frustrationScore } from '../../dialogs/index.js';
import { scoreAnswers } from './answers.js';
import { assessHandoff, repeatedQuestions } from './handoff.js';
import { mean, round } from './text.js';
import { DEFAULT_SCORER_OPTIONS, type AnswerScore, type HandoffAssessment, type ScorerInput, type ScorerOptions, type VisionTurnScore } from './types.js';
import { scoreVisionTurns } from './vision.js';

/** Flags a conversation score can carry. */
export const FLAGS = [
  'ungrounded answer',
  'irrelevant answer',
  'contradicts question',
  'unfitting answer',
  'late handoff',
  'unnecessary handoff',
  'missed handoff',
  'handoff unanswered',
  'repeated question',
  'frustrated customer',
  'low csat',
  'slow first response',
  'corrected by agent',
  'image not delivered',
] as const;

/**
 * Weights of the parts of the overall score (a part that does not apply is left out and the rest re-weighted). Try-on
 * and photo turns count with the weight of groundedness: the share of them that delivered an image.
 */
const WEIGHTS = { groundedness: 0.3, vision: 0.3, relevance: 0.15, handoff: 0.2, outcome: 0.15, sentiment: 0.1, csat: 0.1 };

const ms = (from: string | undefined, to: string | undefined): number | null =>
  from && to ? Math.max(0, new Date(to).getTime() - new Date(from).getTime()) : null;

/** Everything the offline scorers found, before it is stored as a {@link ConversationScore}. */
export interface OfflineScores {
  answers: AnswerScore[];
  /** Try-on and photo turns, scored on delivery instead of groundedness. */
  vision: VisionTurnScore[];
  handoff: HandoffAssessment;
  metrics: ConversationScore['metrics'];
  flags: string[];
  score: number;
}

/** The overall 0–1 score from the metrics: a weighted mean of what applies, minus 0.1 per agent correction. */
export function overallScore(metrics: ConversationScore['metrics']): number {
  const parts: [number, number][] = [];
  const add = (value: unknown, weight: number, map: (v: number) => number = (v) => v) => {
    if (typeof value === 'number') parts.push([map(value), weight]);
    else if (typeof value === 'boolean') parts.push([value ? 1 : 0, weight]);
  };
  add(metrics.groundedness, WEIGHTS.groundedness);
  add(metrics.visionDelivered, WEIGHTS.vision);
  add(metrics.relevance, WEIGHTS.relevance);
  add(metrics.handoffAppropriate, WEIGHTS.handoff);
  // A handoff the customer waited for in vain resolved nothing, however appropriate it was.
  add(metrics.resolvedWithoutHuman === true || (metrics.handedOff === true && metrics.handoffAppropriate === true && metrics.handoffUnanswered !== true), WEIGHTS.outcome);
  add(metrics.sentiment, WEIGHTS.sentiment, (v) => (v + 1) / 2);
  add(metrics.csat, WEIGHTS.csat, (v) => (v - 1) / 4);
  const weight = parts.reduce((s, [, w]) => s + w, 0);
  const base = weight ? parts.reduce((s, [v, w]) => s + v * w, 0) / weight : 0;
  const corrections = typeof metrics.corrections === 'number' ? metrics.corrections : 0;
  return round(Math.max(0, Math.min(1, base - 0.1 * corrections)));
}

/** True when the answer's entities contradict its question's. */
function contradicts(answer: AnswerScore): boolean {
  return answer.contradictions.length > 0 && answer.entityAgreement < 0;
}

/** Flags from the per-answer scores and conversation figures. */
export function flagsFor(answers: readonly AnswerScore[], metrics: ConversationScore['metrics'], handoff: HandoffAssessment, repeated: number, options: ScorerOptions): string[] {
  const flags: string[] = [];
  if (answers.some((a) => a.groundedness < options.groundedThreshold)) flags.push('ungrounded answer');
  if (answers.some((a) => a.relevance < options.relevanceThreshold)) flags.push('irrelevant answer');
  if (answers.some(contradicts)) flags.push('contradicts question');
  if (answers.some((a) => a.fit < options.fitThreshold)) flags.push('unfitting answer');
  if (handoff.late) flags.push('late handoff');
  if (handoff.unnecessary) flags.push('unnecessary handoff');
  if (handoff.missed) flags.push('missed handoff');
  if (handoff.unanswered) flags.push('handoff unanswered');
  if (repeated > 0) flags.push('repeated question');
  if (typeof metrics.sentimentMin === 'number' && metrics.sentimentMin <= options.frustrationThreshold) flags.push('frustrated customer');
  if (typeof metrics.csat === 'number' && metrics.csat <= 2) flags.push('low csat');
  if (typeof metrics.firstResponseMs === 'number' && metrics.firstResponseMs > options.slowFirstResponseMs) flags.push('slow first response');
  if (typeof metrics.corrections === 'number' && metrics.corrections > 0) flags.push('corrected by agent');
  if (typeof metrics.visionFailed === 'number' && metrics.visionFailed > 0) flags.push('image not delivered');
  return flags;
}

/**
 * Scores one conversation with the offline, deterministic scorers: resolved without a person, handoff appropriate,
 * groundedness and relevance of each answer, customer sentiment, first-response and handling time, CSAT and agent
 * corrections; then the overall score and flags. Pure: same input, same result.
 */
export function scoreConversationOffline(input: ScorerInput, options: Partial<ScorerOptions> = {}): OfflineScores {
  const opts = { ...DEFAULT_SCORER_OPTIONS, ...options };
  const answers = scoreAnswers(input);
  const vision = scoreVisionTurns(input);
  const delivered = vision.filter((v) => v.delivered).length;
  const handoff = assessHandoff(input, opts);
  const customer = input.messages.filter((m) => m.role === 'customer');
  const sentiments = customer.map((m) => frustrationScore(m.text));
  const repeated = repeatedQuestions(customer, opts.repeatThreshold).length;
  const firstCustomer = customer[0]?.createdAt;
  const firstReply = input.messages.find((m) => (m.role === 'bot' || m.role === 'agent') && (!firstCustomer || m.createdAt >= firstCustomer))?.createdAt;
  const agentMessages = input.messages.filter((m) => m.role === 'agent').length;
  const metrics: ConversationScore['metrics'] = {
    // An answer about another country, platform or payment method than the one asked about did not resolve anything.
    resolvedWithoutHuman:
      !handoff.handedOff && agentMessages === 0 && answers.length + delivered > 0 && !handoff.missed && (input.csat === undefined || input.csat >= 3) && !answers.some(contradicts),
    handedOff: handoff.handedOff,
    handoffAppropriate: handoff.appropriate,
    handoffUnanswered: handoff.unanswered,
    groundedness: answers.length ? round(mean(answers.map((a) => a.groundedness)) as number) : null,
    relevance: answers.length ? round(mean(answers.map((a) => a.relevance)) as number) : null,
    // Try-on and photo turns: how many, the share that delivered an image, and those that answered a photo without one.
    visionTurns: vision.length,
    visionDelivered: vision.length ? round(delivered / vision.length) : null,
    visionFailed: vision.filter((v) => v.fromPhoto && !v.delivered).length,
    sentiment: sentiments.length ? round(mean(sentiments) as number) : null,
    sentimentMin: sentiments.length ? round(Math.min(...sentiments)) : null,
    sentimentEnd: sentiments.length ? round(sentiments.at(-1) as number) : null,
    firstResponseMs: ms(firstCustomer, firstReply),
    handlingMs: ms(input.messages[0]?.createdAt, input.messages.at(-1)?.createdAt),
    csat: input.csat ?? null,
    corrections: input.corrections.length,
    answers: answers.length,
    customerMessages: customer.length,
    repeatedQuestions: repeated,
  };
  const flags = flagsFor(answers, metrics, handoff, repeated, opts);
  return { answers, vision, handoff, metrics, flags, score: overallScore(metrics) };
}

/** The offline scores as the record the store keeps. */
export function toConversationScore(conversationId: string, scores: OfflineScores, scoredAt = new Date().toISOString()): ConversationScore {
  return {
    conversationId,
    score: scores.score,
    flags: scores.flags,
    metrics: scores.metrics,
    details: { answers: scores.answers, vision: scores.vision, handoff: scores.handoff },
    judge: 'offline',
    scoredAt,
  };
}
