import type { TurnContext, TurnHandler } from '../bot/core/index.js';
import type { KnowledgeBase, RetrievalMode } from '../knowledge/index.js';
import { attachmentOnlyReply } from './attachments.js';
import { clarifyDialog } from './clarify-dialog.js';
import { DialogEngine, type Interruption } from './engine.js';
import { failuresSoFar, handOffFor, previousTurn, saveFailures } from './handoff/conversation.js';
import { assessDecision, assessTurn, DEFAULT_HANDOFF_OPTIONS, type HandoffOptions, type PreviousTurn, type TurnAssessment } from './handoff/policy.js';
import { smallTalk } from './handoff/triggers.js';
import { decide, type PolicyThresholds } from './policy.js';
import { answerFromTicket, handOff, retryReply } from './replies.js';
import { TRYON_DIALOG, tryOnDialog, wantsTryOn, type TryOnDialogOptions } from './tryon-dialog.js';

/** Options of {@link createSupportBot}. */
export interface SupportRouterOptions {
  knowledge: KnowledgeBase;
  thresholds: PolicyThresholds;
  /** Candidate retrieval mode; default `hybrid`. */
  mode?: RetrievalMode;
  /** Handoff triggers (sensitive topics, VIPs, failures, frustration); default {@link DEFAULT_HANDOFF_OPTIONS}. */
  handoff?: Partial<HandoffOptions>;
  /** Virtual try-on ("can I see this on me?"); off when omitted. */
  tryOn?: TryOnDialogOptions;
}

/** Quick replies offered when greeting the customer. */
export const TOPICS = ['Where is my order?', 'How do I return something?', 'Which size should I take?', 'Talk to a person'];

/** Key under which the router leaves its `Decision` in `ctx.turnState` (for evaluation and logs). */
export const DECISION_KEY = 'support.decision';

/** Key under which the router leaves the handoff policy's {@link TurnAssessment} of the message in `ctx.turnState`. */
export const HANDOFF_ASSESSMENT_KEY = 'support.handoff';

interface Assessed {
  turn: TurnAssessment;
  previous: PreviousTurn | undefined;
}

/**
 * The support router. Before anything else, even a waiting clarification, the handoff triggers run in order of
 * precedence (sensitive topic, request for a person, VIP, frustration, repeated failure); then photos sent without a
 * question are acknowledged, small talk is answered, and otherwise retrieval → policy → answer, clarify or hand off
 * (a VIP gets a person instead of a clarifying question or a low-confidence reply).
 * Returns the dialog engine whose `handler` the Bot runs.
 */
export function createSupportBot(options: SupportRouterOptions): DialogEngine {
  const { knowledge, thresholds, mode = 'hybrid' } = options;
  const given = Object.entries(options.handoff ?? {}).filter(([, value]) => value !== undefined);
  const handoff: HandoffOptions = { ...DEFAULT_HANDOFF_OPTIONS, ...Object.fromEntries(given) };

  const interrupt: Interruption = async (ctx) => {
    const text = ctx.activity.text.trim();
    if (ctx.conversation.status === 'needs_human' || !text) return false;
    const previous = await previousTurn(ctx);
    const turn = assessTurn({ text, conversation: ctx.conversation, failures: failuresSoFar(ctx.conversation), previous }, handoff);
    ctx.turnState.set(HANDOFF_ASSESSMENT_KEY, { turn, previous } satisfies Assessed);
    await saveFailures(ctx, turn.failures);
    if (turn.trigger) {
      await handOffFor(ctx, turn.trigger, { frustrated: turn.frustrated });
      return true;
    }
    if (turn.complaintOnly) {
      await ctx.send(retryReply());
      return true;
    }
    return false;
  };

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
    if (options.tryOn && wantsTryOn(text)) {
      await engine.begin(ctx, TRYON_DIALOG, { text });
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
    const assessed = ctx.turnState.get(HANDOFF_ASSESSMENT_KEY) as Assessed | undefined;
    if (assessed) {
      const after = assessDecision(decision, assessed.turn, assessed.previous, handoff);
      await saveFailures(ctx, after.failures);
      if (after.trigger) {
        await handOffFor(ctx, after.trigger, { frustrated: assessed.turn.frustrated, confidence: decision.confidence });
        return;
      }
    }
    if (decision.action === 'answer') await answerFromTicket(ctx, decision.hit, decision.confidence);
    else if (decision.action === 'clarify') await engine.begin(ctx, 'clarify', { options: decision.options });
    else await handOff(ctx, decision.reason, decision.confidence);
  };

  // The router is the engine's fallback and begins dialogs on it; it only runs once `engine` exists.
  const dialogs = [clarifyDialog(knowledge), ...(options.tryOn ? [tryOnDialog(options.tryOn)] : [])];
  const engine = new DialogEngine(dialogs, route, { interrupt });
  return engine;
}
