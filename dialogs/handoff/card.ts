import type { HandoffRecord, MessageRecord, Store } from '../../bot/core/index.js';
import { scopeFilter, type KnowledgeBase } from '../../knowledge/index.js';
import { toSource } from '../replies.js';
import { correctionsInScope, preferCorrections } from './corrections.js';
import { asksForHuman } from './triggers.js';
import type { CardMessage, EscalationCard, SuggestedAnswer } from './desk.js';

/** Transcript lines shown on a card. */
const LAST_MESSAGES = 6;

const REASON_TEXT: Record<string, string> = {
  customer_request: 'asked for a person',
  low_confidence: 'the bot was not confident enough to answer',
  no_match: 'nothing similar was solved before',
  out_of_scope: 'the question is outside what the bot handles',
  sensitive_topic: 'a sensitive topic',
  vip: 'a VIP customer the bot could not help at once',
  frustration: 'the customer sounds frustrated',
  repeated_failure: "the bot's answers did not help",
  error: 'the bot failed on a message',
};

/** A human-readable handoff reason ("asked for a person"). */
export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? reason.replace(/_/g, ' ');
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The card line of a transcript message. */
export function cardMessage(message: MessageRecord): CardMessage {
  const ticketId = message.role === 'bot' && message.activity.action === 'answer' ? message.activity.sources?.[0]?.id : undefined;
  return { messageId: message.id, role: message.role, text: message.text, createdAt: message.createdAt, ticketId, action: message.activity.action };
}

/** A short summary: the customer's first and latest questions, how the bot answered, and why it handed off. */
export function summarize(messages: MessageRecord[], reason: string): string {
  const customer = messages.filter((m) => m.role === 'customer' && m.text.trim());
  const answers = messages.filter((m) => m.role === 'bot' && m.activity.action === 'answer').length;
  const parts: string[] = [];
  const first = customer[0];
  const last = customer.at(-1);
  if (first) parts.push(`Customer asked: “${clip(first.text, 200)}”.`);
  if (last && last !== first) parts.push(`Latest: “${clip(last.text, 200)}”.`);
  parts.push(answers ? `The bot answered ${answers} time${answers === 1 ? '' : 's'}.` : 'The bot did not answer.');
  parts.push(`Handed off: ${reasonText(reason)} (${customer.length} customer message${customer.length === 1 ? '' : 's'}).`);
  return parts.join(' ');
}

/**
 * The bot's suggested answer to the customer's latest real question (corrections first), if retrieval has one; from
 * knowledge of the conversation's `scope` and shared knowledge only.
 */
export async function suggestAnswer(store: Store, knowledge: KnowledgeBase, messages: MessageRecord[], scope?: string | null): Promise<SuggestedAnswer | undefined> {
  // The customer's latest question: not "can I talk to a person", and more than a word or two.
  const questions = messages.filter((m) => m.role === 'customer' && m.text.trim() && !asksForHuman(m.text));
  const question = (questions.findLast((m) => m.text.trim().split(/\s+/).length >= 3) ?? questions.at(-1) ?? messages.findLast((m) => m.role === 'customer'))?.text;
  if (!question) return undefined;
  const filter = scopeFilter(scope);
  const retrieval = preferCorrections(await knowledge.retrieve(question, { k: 8, ...(filter ? { filter } : {}) }), question, await correctionsInScope(store, scope));
  const best = retrieval.hits[0];
  if (!best || retrieval.outOfScope) return undefined;
  return { question, text: best.ticket.answer, sources: [toSource(best)], confidence: Number(retrieval.confidence.toFixed(4)) };
}

/** Builds the escalation card of a handoff from the store (conversation, transcript) and knowledge (suggestion). */
export async function buildCard(store: Store, knowledge: KnowledgeBase, handoff: HandoffRecord, outOfHours: boolean): Promise<EscalationCard> {
  const conversation = await store.getConversation(handoff.conversationId);
  if (!conversation) throw new Error(`conversation ${handoff.conversationId} is gone`);
  const messages = await store.listMessages(conversation.id);
  const meta = conversation.metadata;
  const email = typeof meta.email === 'string' ? meta.email : conversation.userId.includes('@') ? conversation.userId : undefined;
  return {
    handoff,
    conversation,
    customer: { id: conversation.userId, name: typeof meta.name === 'string' ? meta.name : undefined, email },
    channel: conversation.channel,
    reason: handoff.reason,
    summary: summarize(messages, handoff.reason),
    lastMessages: messages.filter((m) => m.text.trim()).slice(-LAST_MESSAGES).map(cardMessage),
    suggestion: await suggestAnswer(store, knowledge, messages, conversation.scope),
    outOfHours,
  };
}
