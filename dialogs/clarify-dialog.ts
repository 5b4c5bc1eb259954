import { handoff, type TurnContext } from '../bot/core/index.js';
import type { Facts, Hit, KnowledgeBase } from '../knowledge/index.js';
import { UNHANDLED, type Dialog } from './engine.js';
import { reachOf } from './handoff/reach.js';
import { answerFromTicket, clusterAnswersOf, handoffReply, optionLabel } from './replies.js';
import { words } from '../knowledge/index.js';

/** State of a waiting clarification: the offered choices. */
export interface ClarifyState {
  options: { label: string; ticketId: string; score: number }[];
}

/** The quick reply that declines every offered choice. */
export const SOMETHING_ELSE = 'Something else';

const normalized = (text: string): string => words(text).join(' ');

/**
 * Asks which of a few candidate topics the customer means (as quick replies), then answers with the chosen ticket
 * (with the operator's `facts` of the conversation's scope in its slots).
 * "Something else" hands off; any other message ends the dialog and is treated as a new question.
 */
export function clarifyDialog(knowledge: KnowledgeBase, facts?: (scope: string | null) => Promise<Facts>): Dialog<ClarifyState, { options: Hit[] }> {
  return {
    id: 'clarify',
    async begin(ctx: TurnContext, args: { options: Hit[] }): Promise<ClarifyState> {
      const options = args.options.map((hit) => ({ label: optionLabel(hit), ticketId: hit.ticket.id, score: hit.score }));
      const text =
        options.length === 1
          ? `I want to be sure I help with the right thing. Is your question about: "${options[0]?.label}"?`
          : 'I want to be sure I help with the right thing. Which of these is closest to your question?';
      await ctx.send({ text, action: 'clarify', quickReplies: [...options.map((o) => o.label), SOMETHING_ELSE] });
      return { options };
    },
    async continue(ctx: TurnContext, state: ClarifyState) {
      const answer = normalized(ctx.activity.text);
      if (answer === normalized(SOMETHING_ELSE) || answer === 'no' || answer === 'none') {
        await handoff.request(ctx, 'no_match', { reply: handoffReply('no_match', { reach: reachOf(ctx) }) });
        return undefined;
      }
      const index = /^\d$/.test(answer) ? Number(answer) - 1 : state.options.findIndex((o) => normalized(o.label) === answer);
      const yes = state.options.length === 1 && /^(yes|yeah|yep|correct|right|exactly)\b/.test(answer);
      const chosen = state.options[yes ? 0 : index];
      const ticket = chosen && knowledge.get(chosen.ticketId);
      if (!chosen || !ticket) return UNHANDLED;
      await answerFromTicket(ctx, { ticket, score: chosen.score }, undefined, facts ? await facts(ctx.conversation.scope ?? null) : {}, await clusterAnswersOf(knowledge, [ticket.id]));
      return undefined;
    },
  };
}
