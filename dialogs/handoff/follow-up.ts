import type { BusinessHours } from './hours.js';
import { contactSentence } from './reach.js';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** The first e-mail address in a message, lower-cased; undefined when there is none. Pure. */
export function findEmail(text: string): string | undefined {
  return EMAIL.exec(text)?.[0].toLowerCase();
}

/**
 * What the customer is told when no agent is there: why, and how the e-mail follow-up works — or, when nothing can
 * e-mail (`canEmail` false), that the request stays with the team and they reply here, with the operator's `contact`
 * details (`contactDetails`) when set. Pure.
 */
export function followUpText(why: 'out_of_hours' | 'unclaimed', email: string | null, hours: BusinessHours | undefined, canEmail = true, contact?: string): string {
  const opening =
    why === 'out_of_hours'
      ? `Our team is offline right now${hours?.text ? ` (we're here ${hours.text}, ${hours.timezone} time)` : ''}, so nobody can reply live.`
      : "Sorry for the wait — nobody from our team has been able to pick this up yet.";
  if (!canEmail) return [opening, "Your request stays with our team, and they'll reply in this conversation as soon as someone is free.", contact && contactSentence(contact), 'You can keep writing here too.'].filter(Boolean).join(' ');
  const next = email
    ? `We've opened a ticket and will follow up by e-mail at ${email}.`
    : "We've opened a ticket: reply with your e-mail address and we'll follow up by e-mail.";
  return `${opening} ${next} You can keep writing here too.`;
}
