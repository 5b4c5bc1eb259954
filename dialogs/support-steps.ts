import { handoff, type Middleware } from '../bot/core/index.js';
import { greetingOf, NEUTRAL_PROFILE, personWillHelp, type StoreProfile } from '../knowledge/index.js';
import { attachmentOnlyReply } from './attachments.js';
import { contactQuestion, contactReply } from './contact-facts.js';
import { CSAT_CHANNELS } from './csat-dialog.js';
import type { DialogEngine } from './engine.js';
import { foreignLanguage, refuseAttack, type GenerationSetup } from './generation.js';
import { reachOf } from './handoff/reach.js';
import { smallTalk } from './handoff/triggers.js';
import { handoffReply } from './replies.js';
import { PRODUCT_PHOTOS_DIALOG, wantsProductPhotos } from './product-photos-dialog.js';
import { TRYON_DIALOG, wantsTryOn } from './tryon-dialog.js';

/**
 * The steps of a support turn that no active dialog claimed, each a {@link Middleware}: it answers the message
 * itself and stops, or calls `next()` for the steps after it and, last, the router's decision (retrieval → policy →
 * answer, clarify or hand off). The support router runs them in the order of {@link supportSteps}.
 */

/** Key under which the language step leaves a message's language in `ctx.turnState`, when it is confidently not English. */
export const LANGUAGE_KEY = 'support.language';

/**
 * While a person has the conversation, a customer's message joins it and the bot says so (it does not answer). When
 * no agent desk can take it (see {@link reachOf}), nobody would reply: the bot keeps answering.
 */
export const relayWhileWithHuman: Middleware = async (ctx, next) => {
  if (ctx.conversation.status !== 'needs_human' || !reachOf(ctx).desk) return next();
  await ctx.send({
    text: "Thanks — I've added this to your conversation with our team. A person will reply here.",
    action: 'handoff',
    handoff: { reason: ctx.conversation.handoffReason ?? 'customer_request' },
  });
};

/** Photos sent without a question are acknowledged (and kept for the question that follows). */
export const acknowledgeAttachments: Middleware = async (ctx, next) => {
  const reply = attachmentOnlyReply(ctx.activity);
  if (!reply) return next();
  await ctx.send(reply);
};

/** "Can I see this on me?" begins the try-on dialog on `engine`. */
export function beginTryOn(engine: () => DialogEngine): Middleware {
  return async (ctx, next) => {
    const text = ctx.activity.text.trim();
    if (!wantsTryOn(text)) return next();
    await engine().begin(ctx, TRYON_DIALOG, { text });
  };
}

/** "Show me more photos of the linen shirt", "what does it look like in navy?" begins the product-photos dialog. */
export function beginProductPhotos(engine: () => DialogEngine): Middleware {
  return async (ctx, next) => {
    const request = await wantsProductPhotos(ctx, ctx.activity.text.trim());
    if (!request) return next();
    await engine().begin(ctx, PRODUCT_PHOTOS_DIALOG, request);
  };
}

/**
 * Greetings get what the store's assistant helps with and its topics (`profile`); thanks get a welcome and, on
 * `csatChannels`, the 1–5 rating dialog; a goodbye gets a short goodbye; "are you a bot?" an honest answer (the
 * store's virtual assistant) with a "Talk to a person" quick reply; a general-knowledge question a polite refusal with
 * what the assistant helps with.
 */
export function answerSmallTalk(engine: () => DialogEngine, csatChannels: readonly string[] = CSAT_CHANNELS, profile: StoreProfile = NEUTRAL_PROFILE): Middleware {
  return async (ctx, next) => {
    const talk = smallTalk(ctx.activity.text.trim());
    if (talk === 'greeting') {
      await ctx.send({ text: greetingOf(profile), action: 'clarify', quickReplies: [...profile.topics] });
    } else if (talk === 'closing') {
      // A goodbye gets a goodbye: never the previous answer again, never a person.
      await ctx.send({ text: 'Thanks for chatting — goodbye! Write again any time.', action: 'answer' });
    } else if (talk === 'identity') {
      // Asking whether this is a bot is not asking for a person: an honest answer, and a person one tap away.
      await ctx.send({ text: `I'm the store's virtual assistant, not a person. ${profile.help} If you'd like a person from our team, just ask.`, action: 'clarify', quickReplies: ['Talk to a person'] });
    } else if (talk === 'off_topic') {
      // Not the store's business: a polite no and what the assistant does help with, never a person for it.
      await ctx.send({ text: `Sorry, that's not something I can help with — I'm here for questions about our store. ${profile.help}`, action: 'clarify', quickReplies: [...profile.topics] });
    } else if (talk === 'thanks') {
      await ctx.send({ text: "You're welcome! Is there anything else I can help with?", action: 'answer' });
      if (csatChannels.includes(ctx.activity.channel)) await engine().begin(ctx, 'csat', {});
    } else {
      await next();
    }
  };
}

/**
 * "What are your customer service hours?", "What's your phone number?", "What's your e-mail address?" are answered
 * from the operator's facts of the conversation's scope (`facts`; none without generation) before retrieval; a detail
 * not set gets what the bot can do instead (see {@link contactReply}).
 */
export function answerContactQuestions(facts: GenerationSetup['facts'], profile: StoreProfile = NEUTRAL_PROFILE): Middleware {
  return async (ctx, next) => {
    const topics = contactQuestion(ctx.activity.text);
    if (topics.length === 0) return next();
    await ctx.send(contactReply(topics, facts ? await facts(ctx.conversation.scope ?? null) : {}, profile));
  };
}

/** A message that tries to override the bot's instructions gets a helpful refusal with the store's topics, never an answer. */
export function screenInjection(generation: GenerationSetup, profile: StoreProfile = NEUTRAL_PROFILE): Middleware {
  return async (ctx, next) => {
    if (generation.screenInput !== false && (await refuseAttack(ctx, ctx.activity.text.trim(), profile))) return;
    await next();
  };
}

/**
 * Detects a message's language offline and leaves it under {@link LANGUAGE_KEY} for the answer; without a chat model
 * to answer in that language, a person takes over and the customer is told so in their language where possible.
 */
export function detectLanguage(generation: GenerationSetup): Middleware {
  return async (ctx, next) => {
    const language = await foreignLanguage(generation, ctx.activity.text.trim());
    if (language && !(await generation.generator.model())) {
      // No chat model to answer in the customer's language: "a person will help", in that language.
      const reach = reachOf(ctx);
      await handoff.request(ctx, 'language', { reply: reach.desk ? { text: personWillHelp(language) } : handoffReply('language', { reach }) });
      return;
    }
    if (language) ctx.turnState.set(LANGUAGE_KEY, language);
    await next();
  };
}

/** What {@link supportSteps} needs: the router's engine (for dialogs the steps begin) and its options. */
export interface SupportStepsSetup {
  engine: () => DialogEngine;
  generation?: GenerationSetup | undefined;
  tryOn: boolean;
  /** Whether generated product photos are on (the product-photos dialog is registered). */
  productPhotos?: boolean;
  csatChannels?: readonly string[] | undefined;
  /** The store's own texts (greeting, topics); default {@link NEUTRAL_PROFILE}. */
  profile?: StoreProfile | undefined;
}

/**
 * The router's steps in order: relay to a person who has the conversation, acknowledge photos, try-on, product photos,
 * small talk, then (with generation) the injection screen and the language, then questions for the shop's hours,
 * phone or e-mail (from the operator's facts). Try-on and product photos are left out when off.
 */
export function supportSteps(setup: SupportStepsSetup): Middleware[] {
  const { engine, generation } = setup;
  return [
    relayWhileWithHuman,
    acknowledgeAttachments,
    ...(setup.tryOn ? [beginTryOn(engine)] : []),
    ...(setup.productPhotos ? [beginProductPhotos(engine)] : []),
    answerSmallTalk(engine, setup.csatChannels ?? CSAT_CHANNELS, setup.profile),
    ...(generation ? [screenInjection(generation, setup.profile), detectLanguage(generation)] : []),
    answerContactQuestions(generation?.facts, setup.profile),
  ];
}
