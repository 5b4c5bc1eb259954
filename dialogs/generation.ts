import type { ReplyInput, TurnContext } from '../bot/core/index.js';
import {
  addUsage,
  costOf,
  detectByStopwords,
  detectInjection,
  helpfulRefusal,
  priceFor,
  type ChatTurn,
  type ClusterAnswer,
  type Facts,
  type GeneratedAnswer,
  type Generator,
  type Hit,
  type LanguageDetector,
  type PriceTable,
  type StoreProfile,
} from '../knowledge/index.js';
import { toSource } from './replies.js';
import { customerValuesOf, requestMissingValue } from './slot-requests.js';

/** What the support router needs for generated answers (see README "Generation"). */
export interface GenerationSetup {
  generator: Generator;
  /** Offline language identification; without it every message is taken as English. */
  language?: LanguageDetector;
  /** Prices for the per-conversation cost accounting; default the generator's built-in table. */
  prices?: PriceTable;
  /**
   * Screen customer messages for prompt injection before retrieval; default true. Off only to test the later layers
   * (ticket screening, output check, grounding) on their own, as the red-team suite does.
   */
  screenInput?: boolean;
  /** The operator's facts of a knowledge scope (null: shared ones), which fill answers' slots; default none. */
  facts?: (scope: string | null) => Promise<Facts>;
}

/** Key under which the router leaves the {@link GeneratedAnswer} of a turn in `ctx.turnState`. */
export const GENERATION_KEY = 'support.generation';

/** Key under which the router leaves a guardrail refusal (`{kind}`) in `ctx.turnState`. */
export const GUARDRAIL_KEY = 'support.guardrail';

/** Messages in another language are handed off (without a chat model) only when the detector is at least this sure. */
const LANGUAGE_CONFIDENCE = 0.9;
const LANGUAGE_MIN_WORDS = 3;

/** The conversation before this turn, as the generator sees it. */
export async function historyOf(ctx: TurnContext): Promise<ChatTurn[]> {
  const messages = await ctx.transcript();
  // A transcript entry's id is its activity's id: comparing it leaves every stored activity unparsed.
  return messages.filter((m) => m.id !== ctx.activity.id).map((m) => ({ role: m.role === 'customer' ? 'customer' : m.role === 'system' ? 'system' : m.role === 'agent' ? 'agent' : 'bot', text: m.text }));
}

/**
 * Prompt-injection guard on the customer's message: an attack gets a refusal that still helps (what the bot can do,
 * the store's topics as quick replies). Returns true when it answered.
 */
export async function refuseAttack(ctx: TurnContext, text: string, profile: StoreProfile): Promise<boolean> {
  const verdict = detectInjection(text);
  if (!verdict.detected) return false;
  ctx.turnState.set(GUARDRAIL_KEY, { kind: verdict.kinds[0] ?? 'override', score: verdict.score });
  await ctx.send({ text: helpfulRefusal(verdict.kinds[0], profile.help), action: 'clarify', quickReplies: [...profile.topics], sources: [] });
  return true;
}

/** The detected language of the message when it is confidently not English (`undefined` otherwise). */
export async function foreignLanguage(setup: GenerationSetup | undefined, text: string): Promise<string | undefined> {
  if (!setup?.language || (text.match(/\p{L}+/gu) ?? []).length < LANGUAGE_MIN_WORDS) return undefined;
  const detected = await setup.language.detect(text);
  if (detected.code === 'en' || detected.code === 'und' || detected.confidence < LANGUAGE_CONFIDENCE) return undefined;
  // Short English requests ("latitude and longitude please") can look foreign to fastText; English function words veto.
  return detectByStopwords(text).code === 'en' ? undefined : detected.code;
}

/** Adds a model call's tokens and cost to the conversation's `usage` metadata. */
async function account(ctx: TurnContext, answer: GeneratedAnswer, prices: PriceTable | undefined): Promise<void> {
  if (!answer.usage || !answer.usageModel) return;
  const cost = costOf(answer.usage, priceFor(answer.usageModel.modelId, prices));
  const usage = addUsage(ctx.conversation.metadata.usage, answer.usageModel.name, answer.usage, cost);
  ctx.modelCalls.push({ model: answer.usageModel.name, ...answer.usage, costUsd: cost });
  ctx.conversation = await ctx.store.updateConversation(ctx.conversation.id, { metadata: { ...ctx.conversation.metadata, usage } });
}

/** A queue bridging the generator's `onDelta` callbacks to the async iterable `sendStream` reads. */
function deltaQueue(): { push(delta: string): void; close(): void; pieces: AsyncIterable<string> } {
  const items: string[] = [];
  let done = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push: (delta) => {
      items.push(delta);
      notify();
    },
    close: () => {
      done = true;
      notify();
    },
    pieces: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (items.length) yield items.shift() as string;
          else if (done) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}

/** Images a ticket carries (`image` / `images` metadata). */
function imagesOf(hit: Hit | undefined): { url: string; alt: string }[] {
  if (!hit) return [];
  const raw = [hit.ticket.metadata.image, ...(Array.isArray(hit.ticket.metadata.images) ? hit.ticket.metadata.images : [])];
  return raw.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const { url, alt } = item as { url?: unknown; alt?: unknown };
    return typeof url === 'string' ? [{ url, alt: typeof alt === 'string' ? alt : '' }] : [];
  });
}

/** The reply for a grounded answer: the text (citation markers kept), the cited tickets as sources, their images. */
export function answerReply(answer: GeneratedAnswer, confidence: number): ReplyInput {
  return { text: answer.text, action: 'answer', sources: answer.sources.map(toSource), images: imagesOf(answer.sources[0]), confidence };
}

/**
 * Generates and sends the answer to a question the policy decided to answer. With a chat model it streams to channels
 * that can show it (sentences that passed the output check) and the final, checked reply replaces the partial text;
 * without one the composer answers at once. An answer that fails grounding or the output check is replaced by
 * `unsupported(answer)` (a clarifying question or a handoff). Exactly one reply is sent.
 */
export async function generateAnswer(
  ctx: TurnContext,
  setup: GenerationSetup,
  input: { question: string; hits: Hit[]; confidence: number; language?: string; partHits?: string[]; canonical?: Readonly<Record<string, ClusterAnswer>> },
  unsupported: (answer: GeneratedAnswer) => Promise<ReplyInput>,
): Promise<GeneratedAnswer> {
  const facts = setup.facts ? await setup.facts(ctx.conversation.scope ?? null) : {};
  const request = {
    question: input.question,
    history: await historyOf(ctx),
    hits: input.hits,
    facts,
    customerValues: customerValuesOf(ctx.conversation),
    ...((ctx.activity.attachments?.length ?? 0) > 0 ? { customerSentFiles: true } : {}),
    ...(input.partHits?.length ? { partHits: input.partHits } : {}),
    ...(input.canonical ? { canonical: input.canonical } : {}),
    ...(input.language ? { language: input.language } : {}),
  };
  const final = async (answer: GeneratedAnswer): Promise<ReplyInput> => {
    ctx.turnState.set(GENERATION_KEY, answer);
    await account(ctx, answer, setup.prices);
    // A value this customer has to give first ("your tracking number"): asked once, answered on the next turn.
    const ask = await requestMissingValue(ctx, answer, input.question);
    if (ask) return { ...ask, confidence: input.confidence };
    return answer.verdict === 'answer' ? answerReply(answer, input.confidence) : unsupported(answer);
  };
  if (!(await setup.generator.model())) {
    const answer = await ctx.timed('generation', () => setup.generator.generate(request));
    await ctx.send(await final(answer));
    return answer;
  }
  const queue = deltaQueue();
  const running = ctx.timed('generation', () => setup.generator.generate(request, { onDelta: async (delta) => queue.push(delta) })).finally(() => queue.close());
  await ctx.sendStream(queue.pieces, { action: 'answer' }, async () => final(await running));
  return running;
}
