import type { MessageRecord, Store } from '../../bot/core/index.js';
import type { KnowledgeBase } from '../../knowledge/index.js';
import { suggestAnswer } from './card.js';

/** What the correction modal is prefilled with: the question, the bot's answer, and the ticket it came from. */
export interface CorrectionDraft {
  conversationId: string | null;
  messageId: string | null;
  question: string;
  original: string;
  ticketId: string | null;
}

const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim().toLowerCase();

function fromMessage(messages: MessageRecord[], message: MessageRecord): CorrectionDraft {
  const question = messages.find((m) => m.id === message.activity.replyToId) ?? messages.slice(0, messages.indexOf(message)).findLast((m) => m.role === 'customer');
  return {
    conversationId: message.conversationId,
    messageId: message.id,
    question: question?.text ?? '',
    original: message.text,
    ticketId: message.activity.sources?.[0]?.id ?? null,
  };
}

/**
 * The draft of a correction of a bot answer: a message by id, the bot answer whose text is `messageText` (a message
 * shortcut), or — with neither — the suggested answer for the conversation's latest question. Undefined when the
 * conversation has no such answer.
 */
export async function draftCorrection(
  store: Store,
  knowledge: KnowledgeBase,
  target: { conversationId: string; messageId?: string | null; messageText?: string | null },
): Promise<CorrectionDraft | undefined> {
  const messages = await store.listMessages(target.conversationId);
  if (target.messageId) {
    const message = messages.find((m) => m.id === target.messageId && m.role === 'bot');
    return message ? fromMessage(messages, message) : undefined;
  }
  if (target.messageText) {
    const wanted = normalize(target.messageText);
    // Answers and clarifying questions can be corrected; handoff notices cannot.
    const bots = messages.filter((m) => m.role === 'bot' && m.activity.action !== 'handoff');
    const message = bots.findLast((m) => normalize(m.text) === wanted) ?? bots.findLast((m) => wanted.includes(normalize(m.text)) || normalize(m.text).includes(wanted));
    if (message) return fromMessage(messages, message);
  }
  const suggestion = await suggestAnswer(store, knowledge, messages, (await store.getConversation(target.conversationId))?.scope);
  if (!suggestion) return undefined;
  return { conversationId: target.conversationId, messageId: null, question: suggestion.question, original: suggestion.text, ticketId: suggestion.sources[0]?.id ?? null };
}
