import type { TurnContext } from '../bot/core/index.js';
import { UNHANDLED, type Dialog } from './engine.js';

/** Channels that show quick replies, where the bot asks for a rating by default. */
export const CSAT_CHANNELS: readonly string[] = ['webchat', 'rest', 'cli', 'test', 'story', 'slack', 'botframework'];

/** The question that asks the customer for a 1–5 rating. */
export const CSAT_QUESTION = 'Before you go: how would you rate this conversation, from 1 (poor) to 5 (great)?';

/** The quick replies of the rating question. */
export const CSAT_CHOICES = ['1', '2', '3', '4', '5'];

const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };

/** A 1–5 rating in a reply ("4", "5 stars", "4/5", "⭐⭐⭐", "five"); undefined when the message is not a rating. */
export function parseRating(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const stars = [...t].filter((c) => c === '⭐' || c === '★').length;
  if (stars >= 1 && stars <= 5 && t.replace(/[⭐★\s]/gu, '') === '') return stars;
  const match = /^([1-5]|one|two|three|four|five)(\s*(\/\s*5|out of (5|five)|stars?|!|\.))*$/.exec(t);
  if (!match) return undefined;
  const value = match[1] as string;
  return WORDS[value] ?? Number(value);
}

/** State of {@link csatDialog} while it waits for the rating. */
export interface CsatState {
  askedAt: string;
}

/**
 * Asks the customer to rate the conversation from 1 to 5 (quick replies) at the end of it. A rating is stored
 * (`store.evaluations.recordCsat`), thanked for, and closes the conversation as ended by the customer (scorers run on
 * close); any other message ends the dialog unanswered and goes to the router.
 */
export function csatDialog(): Dialog<CsatState, Record<string, never>> {
  return {
    id: 'csat',
    async begin(ctx: TurnContext) {
      await ctx.send({ text: CSAT_QUESTION, action: 'clarify', quickReplies: CSAT_CHOICES });
      return { askedAt: new Date().toISOString() };
    },
    async continue(ctx: TurnContext) {
      const rating = parseRating(ctx.activity.text);
      if (rating === undefined) return UNHANDLED;
      await ctx.store.evaluations.recordCsat(ctx.conversation.id, rating);
      await ctx.send({ text: rating >= 4 ? 'Thank you for your rating! Have a great day.' : "Thank you for your rating — we'll use it to do better.", action: 'answer' });
      ctx.conversation = await ctx.store.updateConversation(ctx.conversation.id, { status: 'closed', metadata: { closedBy: 'customer' } });
      return undefined;
    },
  };
}
