import { handoff, runMiddleware, type TurnContext, type TurnHandler } from '../bot/core/index.js';
import type { KnowledgeBase, RetrievalMode, StoreProfile } from '../knowledge/index.js';
import { clarifyDialog } from './clarify-dialog.js';
import { csatDialog } from './csat-dialog.js';
import { DialogEngine, type Interruption } from './engine.js';
import { claimsHandoff } from './handoff/claims.js';
import { correctionsInScope, preferCorrections } from './handoff/corrections.js';
import { failuresSoFar, previousTurn, saveFailures, triggerRequest } from './handoff/conversation.js';
import { reachOf } from './handoff/reach.js';
import { assessDecision, assessTurn, DEFAULT_HANDOFF_OPTIONS, repeatsLastAnswer, type HandoffOptions, type PreviousTurn, type TurnAssessment } from './handoff/policy.js';
import { decide, type Decision, type PolicyThresholds } from './policy.js';
import { foreignLanguage, generateAnswer, historyOf, type GenerationSetup } from './generation.js';
import { answerFromTicket, clusterAnswersOf, handoffReply, optionLabel, retryReply } from './replies.js';
import { resumeAfterRequest } from './slot-requests.js';
import { isStopword, rewriteQuery, scopeFilter, splitQuestion, stem, words, type GeneratedAnswer, type Hit, type Retrieval } from '../knowledge/index.js';
import { LANGUAGE_KEY, supportSteps } from './support-steps.js';
import { productPhotosDialog, type ProductPhotosDialogOptions } from './product-photos-dialog.js';
import { tryOnDialog, type TryOnDialogOptions } from './tryon-dialog.js';

/** Options of {@link createSupportBot}. */
export interface SupportRouterOptions {
  knowledge: KnowledgeBase;
  thresholds: PolicyThresholds;
  /** Candidate retrieval mode; default `hybrid`. */
  mode?: RetrievalMode;
  /** Handoff triggers (sensitive topics, VIPs, failures, frustration); default {@link DEFAULT_HANDOFF_OPTIONS}. */
  handoff?: Partial<HandoffOptions>;
  /** Channels where the bot asks for a 1–5 rating after the customer's thanks; default {@link CSAT_CHANNELS}, `[]` never. */
  csatChannels?: readonly string[];
  /**
   * Generated answers (composer or chat model), guardrails, follow-up rewriting and language handling; without it the
   * router answers with the best ticket's answer as is.
   */
  generation?: GenerationSetup;
  /** Virtual try-on ("can I see this on me?"); off when omitted. */
  tryOn?: TryOnDialogOptions;
  /** The store's own texts: what the assistant helps with and the topics it offers; default `NEUTRAL_PROFILE`. */
  profile?: StoreProfile;
  /** Generated product photos ("show me more photos", "what does it look like in navy?"); off when omitted. */
  productPhotos?: ProductPhotosDialogOptions;
}

/** Key under which the router leaves its `Decision` in `ctx.turnState` (for evaluation and logs). */
export const DECISION_KEY = 'support.decision';

/** Key under which the router leaves the `Retrieval` its decision was made on in `ctx.turnState` (for evaluation and logs). */
export const RETRIEVAL_KEY = 'support.retrieval';

/** Key under which the router leaves the handoff policy's {@link TurnAssessment} of the message in `ctx.turnState`. */
export const HANDOFF_ASSESSMENT_KEY = 'support.handoff';

interface Assessed {
  turn: TurnAssessment;
  previous: PreviousTurn | undefined;
}

/** The ticket the bot's previous reply answered with, if it answered. */
function answeredTickets(previous: PreviousTurn | undefined): string[] {
  return previous?.action === 'answer' && previous.ticketId ? [previous.ticketId] : [];
}

/** Stems of a text's content words. */
const contentStems = (text: string): Set<string> => new Set(words(text).filter((word) => !isStopword(word)).map(stem));

/**
 * True when `message` asks nothing the last answer's ticket does not already say: no content word beyond the
 * previous question's, or none of its new words in the ticket's answer ("how much does it cost?" after the Canada
 * answer). "…and from the UK?" after a refund answer that names UK times asks for what the same ticket says. Pure.
 */
function asksNothingNewOf(message: string, previousQuestion: string | undefined, answer: string): boolean {
  const before = contentStems(previousQuestion ?? '');
  const added = [...contentStems(message)].filter((word) => !before.has(word));
  if (added.length === 0) return true;
  const said = contentStems(answer);
  return !added.some((word) => said.has(word));
}

/**
 * The decision, unless it answers with the very ticket the bot last answered with although the customer asks nothing
 * new of it (the same question again, or a follow-up whose new words the ticket does not have): the same text word for
 * word would not help — a new user's "how much does it cost?" after the Canada answer got that answer again. Then a
 * clarifying question with the other candidates (the policy still counts the repeat as a failed answer), or the
 * decision unchanged when there are none. Pure.
 */
export function notTheSameAnswerAgain(decision: Decision, retrieval: Retrieval, previous: PreviousTurn | undefined, message: string): Decision {
  if (decision.action !== 'answer' || !repeatsLastAnswer(decision, previous)) return decision;
  if (!asksNothingNewOf(message, previous?.question, decision.hit.ticket.answer)) return decision;
  const others = retrieval.hits.filter((hit) => hit.ticket.id !== decision.hit.ticket.id && hit.ticket.answer !== decision.hit.ticket.answer && !claimsHandoff(hit.ticket.answer)).slice(0, 3);
  return others.length ? { action: 'clarify', options: others, confidence: decision.confidence } : decision;
}

/**
 * The support router. Before anything else, even a waiting clarification, the handoff triggers run in order of
 * precedence (sensitive topic, request for a person, VIP, frustration, repeated failure). A message no dialog claims
 * goes through the router's steps, each a middleware (see {@link supportSteps}: relay to a person, photos, try-on,
 * small talk, injection screen, language), and then to the decision: retrieval (scoped, agents' corrections first) →
 * policy → answer, clarify or hand off (a VIP gets a person instead of a clarifying question or a low-confidence reply).
 * Returns the dialog engine whose `handler` the Bot runs.
 */
export function createSupportBot(options: SupportRouterOptions): DialogEngine {
  const { knowledge, thresholds, mode = 'hybrid' } = options;
  const given = Object.entries(options.handoff ?? {}).filter(([, value]) => value !== undefined);
  const policy: HandoffOptions = { ...DEFAULT_HANDOFF_OPTIONS, ...Object.fromEntries(given) };

  /** What a handoff reply may say about who takes over: the turn's reach, and what the assistant helps with. */
  const telling = (ctx: TurnContext) => ({ reach: reachOf(ctx), ...(options.profile ? { help: options.profile.help } : {}) });

  const interrupt: Interruption = async (ctx) => {
    const text = ctx.activity.text.trim();
    // With a desk, a person has the conversation; without one the bot still answers, so a new request is heard too.
    if ((ctx.conversation.status === 'needs_human' && reachOf(ctx).desk) || !text) return false;
    const previous = await previousTurn(ctx);
    const turn = assessTurn({ text, conversation: ctx.conversation, failures: failuresSoFar(ctx.conversation), previous }, policy);
    ctx.turnState.set(HANDOFF_ASSESSMENT_KEY, { turn, previous } satisfies Assessed);
    await saveFailures(ctx, turn.failures);
    if (turn.trigger) {
      // A request for a person in Spanish, French, … is answered in that language.
      const language = turn.trigger.reason === 'customer_request' ? await foreignLanguage(options.generation, text) : undefined;
      const request = triggerRequest(turn.trigger, { frustrated: turn.frustrated, ...(language ? { language } : {}), ...telling(ctx) });
      await handoff.request(ctx, request.reason, request);
      return true;
    }
    if (turn.complaintOnly) {
      await ctx.send(retryReply());
      return true;
    }
    return false;
  };

  /** The decision once no step answered: retrieval → policy → answer, clarify or hand off. */
  const decideAndAnswer: TurnHandler = async (ctx: TurnContext) => {
    const text = ctx.activity.text.trim();
    const { generation } = options;
    const language = ctx.turnState.get(LANGUAGE_KEY) as string | undefined;
    await ctx.typing(true);
    // The customer gave the value the bot asked for ("12588"): the question it was asked for is answered now.
    const resumed = generation ? await resumeAfterRequest(ctx, text) : undefined;
    const asked = resumed?.question ?? text;
    // Follow-ups ("and for shoes?") are retrieved with the topic of the customer's previous message.
    // A message in another language is searched in English (the model translates it) over English tickets.
    const searchText = language && generation ? await generation.generator.toEnglish(asked) : asked;
    const rewrite = resumed ? { query: asked, rewritten: false } : generation ? rewriteQuery(searchText, await historyOf(ctx)) : { query: text, rewritten: false };
    const query = rewrite.query;
    const assessed = ctx.turnState.get(HANDOFF_ASSESSMENT_KEY) as Assessed | undefined;
    // A follow-up asks something new about the same topic: the ticket the bot just answered with goes behind the others.
    const previous = assessed ? assessed.previous : await previousTurn(ctx);
    const answered = rewrite.rewritten ? answeredTickets(previous) : [];
    // Only knowledge of the conversation's scope and shared knowledge: never another brand's answer.
    const filter = scopeFilter(ctx.conversation.scope);
    const search = { mode, ...(filter ? { filter } : {}) };
    // Agents' corrections win over the tickets they correct.
    const retrieval = preferCorrections(await ctx.timed('retrieval', () => knowledge.retrieve(query, { k: 8, ...search, answered })), query, await correctionsInScope(ctx.store, ctx.conversation.scope));
    const decided = decide(retrieval, thresholds);
    const decision = notTheSameAnswerAgain(decided, retrieval, previous, text);
    ctx.turnState.set(DECISION_KEY, decision);
    ctx.turnState.set(RETRIEVAL_KEY, retrieval);
    if (assessed) {
      // The policy judges what retrieval decided: the same answer again is a failed answer even when it is not sent.
      const after = assessDecision(decided, assessed.turn, assessed.previous, policy);
      await saveFailures(ctx, after.failures);
      if (after.trigger) {
        const request = triggerRequest(after.trigger, { frustrated: assessed.turn.frustrated, confidence: decision.confidence, ...telling(ctx) });
        await handoff.request(ctx, request.reason, request);
        return;
      }
    }
    if (decision.action === 'answer' && generation && claimsHandoff(decision.hit.ticket.answer)) {
      // The best answer says "I'm connecting you to an agent": the customer asked for a person, so hand off for real.
      const request = triggerRequest({ reason: 'customer_request', details: { signal: 'answer_claims_handoff', ticketId: decision.hit.ticket.id } }, { confidence: decision.confidence, ...telling(ctx) });
      await handoff.request(ctx, request.reason, request);
    } else if (decision.action === 'answer' && generation) {
      // Other tickets that claim a handoff never join an answer.
      const others = retrieval.hits.filter((hit) => hit.ticket.id !== decision.hit.ticket.id && !answered.includes(hit.ticket.id) && !claimsHandoff(hit.ticket.answer));
      const hits = [decision.hit, ...others].slice(0, 5);
      // A question asking several things: the best ticket of each further part joins, so that the answer can combine them.
      const parts = splitQuestion(query);
      const partHits: string[] = [];
      for (const part of parts.length > 1 ? parts : []) {
        const best = (await knowledge.retrieve(part, { k: 1, ...search })).hits[0];
        if (best && best.ticket.id !== decision.hit.ticket.id && !claimsHandoff(best.ticket.answer)) {
          partHits.push(best.ticket.id);
          if (!hits.some((hit) => hit.ticket.id === best.ticket.id)) hits.splice(1, 0, best);
        }
      }
      const canonical = await clusterAnswersOf(knowledge, hits.slice(0, 6).map((hit) => hit.ticket.id));
      const input = { question: asked, hits: hits.slice(0, 6), confidence: decision.confidence, partHits, canonical, ...(language ? { language } : {}) };
      await generateAnswer(ctx, generation, input, (answer) => unsupported(ctx, answer, decision.confidence, hits));
    } else if (decision.action === 'answer') await answerFromTicket(ctx, decision.hit, decision.confidence, {}, await clusterAnswersOf(knowledge, [decision.hit.ticket.id]));
    else if (decision.action === 'clarify') await engine.begin(ctx, 'clarify', { options: decision.options });
    else await handoff.request(ctx, decision.reason, { reply: handoffReply(decision.reason, telling(ctx)), confidence: decision.confidence });
  };

  /** An answer the checks stopped: a clarifying question with the candidate topics, or a handoff when nothing is safe to offer. */
  const unsupported = async (ctx: TurnContext, answer: GeneratedAnswer, confidence: number, hits: Hit[]) => {
    const safe = hits.filter((hit) => !answer.screenedOut.includes(hit.ticket.id));
    const options = [...new Map(safe.map((hit) => [hit.ticket.answer, hit])).values()];
    if (answer.violation || answer.verdict === 'no_sources' || options.length === 0) {
      // The reply is the final text of a streamed answer: the caller sends it under the stream's id.
      const { reply } = await handoff.request(ctx, 'ungrounded', { reply: handoffReply('ungrounded', telling(ctx)), confidence, send: false });
      return reply!;
    }
    return {
      text: "I want to be sure I give you the right answer. Is your question about one of these? If not, tell me a bit more (for example the item or your order number).",
      action: 'clarify' as const,
      quickReplies: [...options.slice(0, 3).map(optionLabel), 'Talk to a person'],
      sources: [],
      confidence,
    };
  };

  // The router is the engine's fallback and its steps begin dialogs on it; they only run once `engine` exists.
  const steps = supportSteps({ engine: () => engine, generation: options.generation, tryOn: Boolean(options.tryOn), productPhotos: Boolean(options.productPhotos), csatChannels: options.csatChannels, profile: options.profile });
  const route: TurnHandler = (ctx) => runMiddleware(steps, ctx, decideAndAnswer);
  const dialogs = [clarifyDialog(knowledge, options.generation?.facts), csatDialog(), ...(options.tryOn ? [tryOnDialog(options.tryOn)] : []), ...(options.productPhotos ? [productPhotosDialog(options.productPhotos)] : [])];
  const engine = new DialogEngine(dialogs, route, { interrupt });
  return engine;
}
