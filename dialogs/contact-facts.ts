import type { ReplyInput } from '../bot/core/index.js';
import { factFor, type Facts, type StoreProfile } from '../knowledge/index.js';

/**
 * Questions about how to reach the shop — its customer service hours, phone number, e-mail address — answered from
 * the operator's facts (`parley facts set hours|phone|email …`), before any past ticket is looked at: a past ticket
 * holds another customer's case, and redaction took the shop's own numbers and addresses out of it. Pure.
 */

/** What a customer may ask about reaching the shop. */
export type ContactTopic = 'hours' | 'phone' | 'email';

/** "What are your (customer service|opening) hours?", "when are you open?", "what time does support close?". */
const HOURS = /\b(?:(?:opening|business|office|support|service|working|operating|call[- ]?cent(?:er|re)|contact)\s+(?:hours|times)|your hours|hours\s+(?:of\s+(?:business|operation|service|support)|are you)|when\s+(?:are|is|do|does)\s+(?:you|your\s+\w+(?:\s+\w+)?|customer (?:service|support)|support|the (?:shop|store|team|office))\b[^.?!]{0,20}\b(?:open|close|available|staffed|reachable|work|answer)|what time\s+(?:do|does|are|is)\b[^.?!]{0,30}\b(?:open|close|available))\b/i;
/** "What's your phone number?", "can I call you?", "is there a number I can call?", "customer service phone". */
const PHONE = /\b(?:(?:your|support|customer (?:service|support|care)|contact|store|shop|company)(?:['’]s)?\s+(?:tele)?phone(?:\s+(?:number|line|no\.?)|\s*[?.!]*\s*$)|(?:a|any|the)\s+(?:tele)?phone\s+(?:number|line)|(?:a|any|the|your)\s+number\s+(?:i|we)\s+(?:can|could)\s+(?:call|ring|phone)|(?:call|phone|ring)\s+you(?:\s+(?:on|at|by phone))?\s*[?.!]*\s*$|(?:can|could|may)\s+(?:i|we)\s+(?:call|phone|ring)\s+you|hotline|helpline)\b/i;
/** "What's your e-mail address?", "how can I e-mail you?", "support e-mail". */
const EMAIL = /\b(?:(?:your|support|customer (?:service|support|care)|contact|store|shop|company)(?:['’]s)?\s+e-?mail(?:\s+address|\s*[?.!]*\s*$)|(?:an?|any|the)\s+e-?mail\s+address\s+(?:for|of|to|i can|we can)|(?:can|could|may|how do|how can|where do|where can)\s+(?:i|we)\s+(?:e-?mail|write to|mail)\s+you)\b/i;
/** The customer's own number or address ("change my e-mail", "the phone number on my account"): not this question. */
const THEIR_OWN = /\b(?:my|mine)\b[^.?!]{0,25}\b(?:e-?mail|phone|number|address)\b|\b(?:e-?mail|phone|number|address)\b[^.?!]{0,25}\b(?:my|on (?:the|my) account|on file|in my profile)\b|\b(?:change|update|edit|remove|add|verify|reset|confirm)\b[^.?!]{0,25}\b(?:e-?mail|phone)/i;
/** Longest message read as only a contact question: longer ones ask something else too and go to retrieval. */
const MAX_WORDS = 14;

/** The contact details a message asks for (hours, phone, e-mail), in that order; empty when it asks for none. */
export function contactQuestion(text: string): ContactTopic[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > MAX_WORDS || THEIR_OWN.test(text)) return [];
  const topics: ContactTopic[] = [];
  if (HOURS.test(text)) topics.push('hours');
  if (PHONE.test(text)) topics.push('phone');
  if (EMAIL.test(text)) topics.push('email');
  return topics;
}

/** How each detail is said when set, and named when not. */
const SAID: Readonly<Record<ContactTopic, { known: (value: string) => string; name: string }>> = {
  hours: { known: (value) => `Our customer service hours are ${value.replace(/[.\s]+$/, '')}.`, name: 'our opening hours' },
  phone: { known: (value) => `You can call us on ${value.replace(/[.\s]+$/, '')}.`, name: 'a phone number' },
  email: { known: (value) => `You can e-mail us at ${value.replace(/[.\s]+$/, '')}.`, name: 'an e-mail address' },
};

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * The reply to a contact question: the facts that are set (the phone number with the hours when those are set), and
 * for those that are not, that the bot does not have them here and what it can do instead (the store's help
 * sentence, its topics and a person as quick replies).
 */
export function contactReply(topics: readonly ContactTopic[], facts: Facts, profile: StoreProfile): ReplyInput {
  const hours = factFor('hours', facts);
  const known = topics.flatMap((topic) => {
    const value = factFor(topic, facts);
    if (!value) return [];
    // A phone number is only useful with the hours it is answered in (unless those were asked for too).
    if (topic === 'phone' && hours && !topics.includes('hours')) return [`${SAID.phone.known(value).slice(0, -1)} during ${hours.replace(/[.\s]+$/, '')}.`];
    return [SAID[topic].known(value)];
  });
  const unknown = topics.filter((topic) => !factFor(topic, facts)).map((topic) => SAID[topic].name);
  if (unknown.length === 0) return { text: known.join(' '), action: 'answer', sources: [] };
  const missing = `I don't have ${listed(unknown)} to give you here. ${profile.help} I can also pass you to a person from our team.`;
  const topicsOffered = [...new Set([...profile.topics.filter((t) => !/person|human|agent/i.test(t)), 'Talk to a person'])].slice(0, 8);
  return { text: [...known, missing].join(' '), action: 'clarify', sources: [], quickReplies: topicsOffered };
}
