import type { MessageRecord } from '../../bot/core/index.js';
import { imageAttachments } from '../../dialogs/index.js';
import { questionOf } from './question.js';
import type { ScorerInput, VisionTurnScore } from './types.js';

/**
 * True for a try-on or photo turn: a bot answer citing no ticket that carries images (a try-on result, generated or
 * catalogue photos) or answers a customer message with a photo. Clarifying questions and handoffs are not turns of
 * their own here (the handoff scorer judges handoffs).
 */
export function isVisionTurn(messages: readonly MessageRecord[], index: number): boolean {
  const message = messages[index];
  if (!message || message.role !== 'bot' || (message.activity.action ?? 'answer') !== 'answer') return false;
  if ((message.activity.sources ?? []).length > 0) return false;
  if ((message.activity.images ?? []).length > 0) return true;
  const question = questionOf(messages, index);
  return question ? imageAttachments(question.activity).length > 0 : false;
}

/**
 * Scores every try-on and photo turn ({@link isVisionTurn}) on delivery: did the customer get an image. These turns
 * are left out of the answer scorers, so a try-on result is never "ungrounded" for citing no past ticket.
 */
export function scoreVisionTurns(input: Pick<ScorerInput, 'messages'>): VisionTurnScore[] {
  const scores: VisionTurnScore[] = [];
  input.messages.forEach((message, index) => {
    if (!isVisionTurn(input.messages, index)) return;
    const question = questionOf(input.messages, index);
    const images = (message.activity.images ?? []).length;
    scores.push({
      id: message.id,
      kind: 'vision',
      question: question?.text ?? '',
      answer: message.text,
      images,
      delivered: images > 0,
      fromPhoto: question ? imageAttachments(question.activity).length > 0 : false,
    });
  });
  return scores;
}
