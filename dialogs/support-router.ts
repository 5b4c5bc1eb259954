import type { TurnContext, TurnHandler } from '../bot/core/index.js';
import type { KnowledgeBase, RetrievalMode } from '../knowledge/index.js';
import { attachmentOnlyReply } from './attachments.js';
import { clarifyDialog } from './clarify-dialog.js';
import { DialogEngine } from './engine.js';
import { asksForHuman, smallTalk } from './handoff/triggers.js';
import { decide, type PolicyThresholds } from './policy.js';
import { answerFromTicket, handOff } from './replies.js';

/** Options of {@link createSupportBot}. */
export interface SupportRouterOptions {
  knowledge: KnowledgeBase;
  thresholds: PolicyThresholds;
  /** Candidate retrieval mode; default `hybrid`. */
  mode?: RetrievalMode;
}

/** Quick replies offered when greeting the customer. */
export const TOPICS = ['Where is my order?', 'How do I return something?', 'Which size should I take?', 'Talk to a person'];

/** Key under which the router leaves its `Decision` in `ctx.turnState` (for evaluation and logs). */
export const DECISION_KEY = 'support.decision';

/**
 * The support router: a person when asked for, an acknowledgement for photos sent without a question, small talk, otherwise retrieval → policy → answer, clarify or hand off.
 * Returns the dialog engine whose `handler` the Bot runs.
 */
export function createSupportBot(options: SupportRouterOptions): DialogEngine {
  const { knowledge, thresholds, mode = 'hybrid' } = options;
  const route: TurnHandler = async (ctx: TurnContext) => {
    const text = ctx.activity.text.trim();
    if (ctx.conversation.status === 'needs_human') {
      await ctx.send({
        text: "Thanks — I've added this to your conversation with our team. A person will reply here.",
        action: 'handoff',
        handoff: { reason: ctx.conversation.handoffReason ?? 'customer_request' },
      });
      return;
    }
    const attachmentsOnly = attachmentOnlyReply(ctx.activity);
    if (attachmentsOnly) {
      await ctx.send(attachmentsOnly);
      return;
    }
    if (asksForHuman(text)) {
      engine.cancelAll(ctx);
      await handOff(ctx, 'customer_request');
      return;
    }
    const talk = smallTalk(text);
    if (talk === 'greeting') {
      await ctx.send({
        text: 'Hi! I can help with orders, shipping, returns, sizing, payments, your account and caring for your clothes. What can I do for you?',
        action: 'clarify',
        quickReplies: TOPICS,
      });
      return;
    }
    if (talk === 'thanks') {
      await ctx.send({ text: "You're welcome! Is there anything else I can help with?", action: 'answer' });
      return;
    }
    await ctx.typing(true);
    const decision = decide(await knowledge.retrieve(text, { k: 8, mode }), thresholds);
    ctx.turnState.set(DECISION_KEY, decision);
    if (decision.action === 'answer') await answerFromTicket(ctx, decision.hit, decision.confidence);
    else if (decision.action === 'clarify') await engine.begin(ctx, 'clarify', { options: decision.options });
    else await handOff(ctx, decision.reason, decision.confidence);
  };

  // The router is the engine's fallback and begins dialogs on it; it only runs once `engine` exists.
  const engine = new DialogEngine([clarifyDialog(knowledge)], route);
  return engine;
}
