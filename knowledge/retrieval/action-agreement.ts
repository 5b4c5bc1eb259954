import type { TicketRecord } from '../../bot/core/index.js';

/**
 * What a question asks to do — change an order or track it, check an invoice or download it, open an account or close
 * it — is often one word among shared ones ("edit order 00123842" and "track order 00123842"). Past tickets whose
 * question asks for another action than this one drop behind those that ask for the same or name none. Pure.
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

function actionsOfTicket(ticket: Pick<TicketRecord, 'question'>): string[] {
  let actions = ticketActions.get(ticket);
  if (!actions) ticketActions.set(ticket, (actions = actionsOf(ticket.question)));
  return actions;
}

/** How much asking for another action lowers a candidate's score (× 1 − this). */
export const ACTION_CONFLICT_PENALTY = 0.25;

/**
 * Reranks candidates by whether their question asks for an action of the question: one that asks only for others is
 * multiplied by 1 − {@link ACTION_CONFLICT_PENALTY} and carries `actionConflict`; one that asks for none, or for one
 * of the question's, keeps its score. Stable among equal scores.
 */
export function rerankByAction<H extends { ticket: TicketRecord; score: number }>(question: string, hits: readonly H[]): (H & { actionConflict: boolean })[] {
  const asked = actionsOf(question);
  if (asked.length === 0) return hits.map((hit) => ({ ...hit, actionConflict: false }));
  return hits
    .map((hit) => {
      const named = actionsOfTicket(hit.ticket);
      const conflict = named.length > 0 && !named.some((a) => asked.includes(a));
      return { ...hit, score: conflict ? hit.score * (1 - ACTION_CONFLICT_PENALTY) : hit.score, actionConflict: conflict };
    })
    .sort((a, b) => b.score - a.score);
}
