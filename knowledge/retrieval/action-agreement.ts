import type { TicketRecord } from '../../bot/core/index.js';
import { evenSample } from './held-out-outcomes.js';

/**
 * What a question asks to do — change an order or track it, check an invoice or download it, open an account or close
 * it — is often one word among shared ones ("edit order 00123842" and "track order 00123842"). Past tickets whose
 * question asks for another action than this one drop behind those that ask for the same or name none, by a penalty
 * learned per knowledge model from whether actions tell its answers apart. Pure.
 */

/** An action and the words that ask for it; earlier entries win where two match at one place ("change to" → switch). */
const ACTIONS: readonly { action: string; pattern: string }[] = [
  { action: 'switch', pattern: "switch(?:ing)? (?:to|over)|chang(?:e|ing) to(?! (?:my|the|a|an)\\b)|upgrad(?:e|ing)|downgrad(?:e|ing)" },
  { action: 'track', pattern: "track(?:ing)?|status|eta|where(?:'s| is)|when (?:will|does|do)|(?:wait|waiting|expect|expecting) (?:for )?(?:a |an |my |the )?\\w+" },
  { action: 'change', pattern: 'edit(?:ing)?|modif(?:y|ying|ied|ication)|chang(?:e|ing)|updat(?:e|ing)|correct(?:ing)?|swap(?:ping)?|switch(?:ing)?|alter(?:ing)?|fix(?:ing)?' },
  { action: 'remove', pattern: 'delet(?:e|ing)|remov(?:e|ing)|clos(?:e|ing)|terminat(?:e|ing)|unsubscrib(?:e|ing)' },
  { action: 'cancel', pattern: 'cancel(?:l?ing|l?ed)?' },
  { action: 'create', pattern: "creat(?:e|ing)|open(?:ing)?(?! (?:the|my) (?:app|website|site|link|page|email|e-mail))|new|sign(?:ing)? ?up|register(?:ing)?|set(?:ting)? ?up" },
  { action: 'get', pattern: "download(?:ing)?|get(?:ting)?(?! (?:to|in|back|rid)\\b)|send(?:ing)?|obtain(?:ing)?|receiv(?:e|ing)|request(?:ing)?|ask(?:ing)? for|print(?:ing)?|copy of" },
  { action: 'view', pattern: 'check(?:ing)?|see|seeing|view(?:ing)?|look(?:ing)? (?:at|for|up)|find(?:ing)?|locat(?:e|ing)|quick look|review(?:ing)?|show' },
];
const ACTION_SCAN = new RegExp(`\\b(?:${ACTIONS.map((a) => `(${a.pattern})`).join('|')})\\b`, 'gi');

/** The actions a text asks for (in lexicon order, without repeats). */
export function actionsOf(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(ACTION_SCAN)) {
    const group = match.findIndex((value, i) => i > 0 && value !== undefined);
    const action = ACTIONS[group - 1]?.action;
    if (action) found.add(action);
  }
  return ACTIONS.map((a) => a.action).filter((a) => found.has(a));
}

/** Per ticket record, the actions its question asks for. */
const ticketActions = new WeakMap<object, string[]>();

/** The actions a ticket's question asks for (read once per ticket record). */
export function actionsOfTicket(ticket: Pick<TicketRecord, 'question'>): string[] {
  let actions = ticketActions.get(ticket);
  if (!actions) ticketActions.set(ticket, (actions = actionsOf(ticket.question)));
  return actions;
}

/** True when a candidate's question names actions and none of them is one the question asks for. */
export function asksOtherAction(asked: readonly string[], named: readonly string[]): boolean {
  return asked.length > 0 && named.length > 0 && !named.some((action) => asked.includes(action));
}

/**
 * Reranks candidates by whether their question asks for an action of the question: one that asks only for others is
 * multiplied by 1 − `penalty` and carries `actionConflict`; one that asks for none, or for one of the question's,
 * keeps its score. Stable among equal scores; a penalty of 0 changes nothing.
 */
export function rerankByAction<H extends { ticket: TicketRecord; score: number }>(question: string, hits: readonly H[], penalty: number): (H & { actionConflict: boolean })[] {
  const asked = penalty > 0 ? actionsOf(question) : [];
  if (asked.length === 0) return hits.map((hit) => ({ ...hit, actionConflict: false }));
  return hits
    .map((hit) => {
      const conflict = asksOtherAction(asked, actionsOfTicket(hit.ticket));
      return { ...hit, score: conflict ? hit.score * (1 - penalty) : hit.score, actionConflict: conflict };
    })
    .sort((a, b) => b.score - a.score);
}

/** A close candidate of a held-out ticket's question, as ranked without the action penalty. */
export interface ActionCandidate {
  score: number;
  /** True when it asks for another action than the question (see {@link asksOtherAction}). */
  conflict: boolean;
  /** How alike its answer is to the held-out ticket's own (0–1: the same link 1, other links 0, else the text cosine). */
  related: number;
}

/** Penalties tried by {@link learnActionPenalty}; the largest keeps half a conflicting ticket's score. */
export const ACTION_PENALTIES = [0.1, 0.2, 0.3, 0.4, 0.5] as const;
/**
 * Standard errors by which a penalty's gain must exceed 0 (the paired differences' one-sided bound, with the z the
 * answer threshold's Wilson bound uses).
 */
export const ACTION_GAIN_Z = 1;
/** Fewest held-out questions whose first answer a penalty changes for it to be learned. */
export const MIN_CHANGED_QUESTIONS = 10;

/** How alike the first answer is to the held-out ticket's when conflicting candidates are lowered by `penalty`. */
function firstRelated(candidates: readonly ActionCandidate[], penalty: number): number {
  let best: ActionCandidate | undefined;
  let bestScore = -Infinity;
  for (const candidate of candidates) {
    const score = candidate.conflict ? candidate.score * (1 - penalty) : candidate.score;
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best?.related ?? 0;
}

/**
 * How much asking for another action should lower a candidate, learned from the operator's own tickets without
 * labels: each held-out question's close candidates (`questions`, ranked without the penalty) are reranked with each
 * of {@link ACTION_PENALTIES}, and the penalty whose first answers are most alike the held-out tickets' own answers
 * wins — when it changes the first answer of at least {@link MIN_CHANGED_QUESTIONS} questions and its gain over no
 * penalty is more than {@link ACTION_GAIN_Z} standard errors of the paired differences; else 0 (actions do not tell this knowledge's
 * answers apart, and nothing is reranked). Pure.
 */
export function learnActionPenalty(questions: readonly (readonly ActionCandidate[])[]): number {
  const unpenalised = questions.map((candidates) => firstRelated(candidates, 0));
  let chosen = 0;
  let bestGain = 0;
  for (const penalty of ACTION_PENALTIES) {
    const differences = questions.map((candidates, i) => firstRelated(candidates, penalty) - (unpenalised[i] as number));
    const changed = differences.filter((d) => d !== 0).length;
    const n = differences.length;
    if (changed < MIN_CHANGED_QUESTIONS) continue;
    const gain = differences.reduce((sum, d) => sum + d, 0) / n;
    const variance = differences.reduce((sum, d) => sum + (d - gain) ** 2, 0) / Math.max(1, n - 1);
    if (gain > ACTION_GAIN_Z * Math.sqrt(variance / n) && gain > bestGain) [chosen, bestGain] = [penalty, gain];
  }
  return chosen;
}

/** Held-out questions the action penalty is learned from (evenly sampled). */
const ACTION_SAMPLE = 1_000;
/** Candidates of each held-out question the action penalty is learned on. */
export const ACTION_DEPTH = 10;

/**
 * Learns the action penalty from the tickets themselves (no labels): up to {@link ACTION_SAMPLE} tickets whose question
 * names an action are asked with the ticket left out (`rankLeftOut`, its first {@link ACTION_DEPTH} hits), and
 * {@link learnActionPenalty} picks the penalty whose first answers are most alike the tickets' own (`relatedness`).
 */
export async function learnActionPenaltyFrom(
  tickets: Iterable<TicketRecord>,
  rankLeftOut: (ticket: TicketRecord) => Promise<readonly { ticket: TicketRecord; score: number }[]>,
  relatedness: (a: TicketRecord, b: TicketRecord) => number,
): Promise<number> {
  const questions: ActionCandidate[][] = [];
  const asking = [...tickets].filter((ticket) => actionsOfTicket(ticket).length > 0);
  for (const ticket of evenSample(asking, ACTION_SAMPLE)) {
    const asked = actionsOfTicket(ticket);
    const hits = await rankLeftOut(ticket);
    questions.push(hits.map((hit) => ({ score: hit.score, conflict: asksOtherAction(asked, actionsOfTicket(hit.ticket)), related: relatedness(ticket, hit.ticket) })));
  }
  return learnActionPenalty(questions);
}
