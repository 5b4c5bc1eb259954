import type { TurnContext } from '../../bot/core/index.js';
import type { Facts } from '../../knowledge/index.js';

/**
 * What a handoff can reach on this install, so that the bot only promises what will happen: a person replying in the
 * conversation needs an agent desk (the Slack desk); an e-mail follow-up needs a way to e-mail (the e-mail channel or a
 * helpdesk such as Zendesk).
 */
export interface HandoffReach {
  /** An agent desk is attached: a person can claim the conversation and reply in it. */
  desk: boolean;
  /** A follow-up by e-mail can be sent (e-mail channel or helpdesk configured). */
  email: boolean;
  /** How to reach the team directly, from the operator's facts ({@link contactDetails}); undefined when none are set. */
  contact?: string | undefined;
}

/** Key under which the handoff service leaves the turn's {@link HandoffReach} in `ctx.turnState`. */
export const HANDOFF_REACH_KEY = 'handoff.reach';

/**
 * What a turn's handoff can reach: as the handoff service reported it for this turn; without a handoff service in the
 * pipeline (a bare support router, an application bringing its own desk) a desk and e-mail are assumed, as before.
 */
export function reachOf(ctx: TurnContext): HandoffReach {
  return (ctx.turnState.get(HANDOFF_REACH_KEY) as HandoffReach | undefined) ?? { desk: true, email: true };
}

/** Fact names that tell a customer how to reach the team, in the order they are listed. */
const CONTACT_FACT = /phone|e-?mail|contact|website|hours|whatsapp/i;

/**
 * The operator's contact facts as one list ("phone: 555-0100; support email: help@example.com"), or undefined when no
 * fact names a phone number, address, website or hours. Pure.
 */
export function contactDetails(facts: Facts): string | undefined {
  const contacts = Object.entries(facts).filter(([name, value]) => CONTACT_FACT.test(name) && value.trim());
  if (!contacts.length) return undefined;
  return contacts.map(([name, value]) => `${name.replace(/[_-]+/g, ' ').trim().toLowerCase()}: ${value.trim()}`).join('; ');
}

/** The English sentence that gives the operator's contact details ({@link contactDetails}). */
export function contactSentence(details: string): string {
  return `You can also reach our team directly — ${details}.`;
}
