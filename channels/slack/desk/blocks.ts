import type { CardMessage, EscalationCard } from '../../../dialogs/index.js';
import { reasonText } from '../../../dialogs/index.js';
import { escapeSlack, type SlackBlock } from '../format.js';
import { CorrectionTargetSchema } from './schemas.js';

/** `action_id`s of the card's buttons. */
export const DESK_ACTIONS = {
  claim: 'parley_desk_claim',
  resolve: 'parley_desk_resolve',
  return: 'parley_desk_return',
  correct: 'parley_desk_correct',
} as const;
/** `callback_id` of the message shortcut "Correct this answer". */
export const CORRECT_SHORTCUT = 'parley_correct_answer';
/** `callback_id` of the correction modal. */
export const CORRECTION_VIEW = 'parley_correction';
/** `block_id` and `action_id` of the modal's answer input. */
export const CORRECTION_INPUT = { block: 'corrected_answer', action: 'text' } as const;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: clip(text, 3000) });

/** What a correction button or modal refers to: the handoff, and the bot message (none: the card's suggested answer). */
export interface CorrectionTarget {
  handoffId: string | null;
  conversationId: string | null;
  messageId: string | null;
  /** Where the modal was opened (channel and thread), to confirm the correction there. */
  channel?: string | undefined;
  threadTs?: string | undefined;
}

/** Encodes a correction target into a button value / `private_metadata`. */
export function encodeTarget(target: CorrectionTarget): string {
  return JSON.stringify({ h: target.handoffId, c: target.conversationId, m: target.messageId, ...(target.channel ? { ch: target.channel } : {}), ...(target.threadTs ? { t: target.threadTs } : {}) });
}

/** Decodes {@link encodeTarget} (with {@link CorrectionTargetSchema}); undefined when malformed. */
export function decodeTarget(value: unknown): CorrectionTarget | undefined {
  const parsed = CorrectionTargetSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function statusLine(card: EscalationCard): string {
  const h = card.handoff;
  if (h.status === 'claimed') return `Claimed by <@${h.claimedBy}>`;
  if (h.status === 'resolved') return 'Resolved';
  if (h.status === 'returned') return 'Returned to the bot';
  return 'Waiting for an agent';
}

const ROLE_LABEL: Record<string, string> = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'Notice' };

function messageBlock(card: EscalationCard, message: CardMessage): SlackBlock {
  const block: SlackBlock = { type: 'section', text: mrkdwn(`*${ROLE_LABEL[message.role] ?? message.role}:* ${escapeSlack(clip(message.text, 600))}`) };
  if (message.role === 'bot' && message.action === 'answer') {
    block.accessory = {
      type: 'button',
      action_id: `${DESK_ACTIONS.correct}_${message.messageId}`.slice(0, 255),
      text: { type: 'plain_text', text: 'Correct' },
      value: encodeTarget({ handoffId: card.handoff.id, conversationId: card.conversation.id, messageId: message.messageId }),
    };
  }
  return block;
}

/**
 * The escalation card: customer, channel, reason and status; the summary; the last messages (bot answers with a
 * Correct button); the suggested answer with its sources (Edit answer); and Claim / Resolve / Return to bot while the
 * escalation is open.
 */
export function escalationBlocks(card: EscalationCard): { text: string; blocks: SlackBlock[] } {
  const customer = `${escapeSlack(card.customer.name ?? card.customer.id)}${card.customer.email ? `\n${escapeSlack(card.customer.email)}` : ''}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`Escalation: ${reasonText(card.reason)}`, 150) } },
    {
      type: 'section',
      fields: [mrkdwn(`*Customer*\n${customer}`), mrkdwn(`*Channel*\n${escapeSlack(card.channel)}`), mrkdwn(`*Reason*\n${escapeSlack(card.reason)}`), mrkdwn(`*Status*\n${statusLine(card)}`)],
    },
    { type: 'section', text: mrkdwn(`*Summary*\n${escapeSlack(card.summary)}`) },
  ];
  if (card.outOfHours) blocks.push({ type: 'context', elements: [mrkdwn('Outside business hours: the customer was offered an e-mail follow-up.')] });
  const transcript: SlackBlock[] = card.lastMessages.length ? [{ type: 'section', text: mrkdwn('*Last messages*') }, ...card.lastMessages.map((m) => messageBlock(card, m))] : [];
  const tail: SlackBlock[] = [];
  if (card.suggestion) {
    const s = card.suggestion;
    tail.push({
      type: 'section',
      block_id: 'parley_suggestion',
      text: mrkdwn(`*Suggested answer* (confidence ${s.confidence.toFixed(2)})\n${escapeSlack(clip(s.text, 2500))}`),
      accessory: {
        type: 'button',
        action_id: `${DESK_ACTIONS.correct}_suggestion`,
        text: { type: 'plain_text', text: 'Edit answer' },
        value: encodeTarget({ handoffId: card.handoff.id, conversationId: card.conversation.id, messageId: null }),
      },
    });
    tail.push({
      type: 'context',
      elements: s.sources.slice(0, 10).map((source) => mrkdwn(escapeSlack(`Source: ${source.id}${typeof source.metadata.question === 'string' ? ` — ${clip(source.metadata.question, 150)}` : ''}`))),
    });
  }
  if (card.handoff.status === 'waiting' || card.handoff.status === 'claimed') {
    const button = (action: string, text: string, style?: 'primary' | 'danger') => ({
      type: 'button' as const,
      action_id: action,
      text: { type: 'plain_text' as const, text },
      value: card.handoff.id,
      ...(style ? { style } : {}),
    });
    tail.push({
      type: 'actions',
      block_id: `parley_desk:${card.handoff.id}`,
      elements: [
        ...(card.handoff.status === 'waiting' ? [button(DESK_ACTIONS.claim, 'Claim', 'primary')] : []),
        button(DESK_ACTIONS.resolve, 'Resolve'),
        button(DESK_ACTIONS.return, 'Return to bot'),
      ],
    });
  }
  const text = `Escalation (${reasonText(card.reason)}) from ${card.customer.name ?? card.customer.id} on ${card.channel}: ${statusLine(card)}`;
  // Slack allows 50 blocks: the oldest transcript lines give way, never the suggestion or the buttons.
  const room = Math.max(0, 50 - blocks.length - tail.length);
  const shown = transcript.length > room ? [...transcript.slice(0, room ? 1 : 0), ...transcript.slice(transcript.length - Math.max(0, room - 1))] : transcript;
  return { text: escapeSlack(text), blocks: [...blocks, ...shown, ...tail] };
}

/** The correction modal: the question, the bot's answer, and a multi-line input prefilled with it. */
export function correctionView(input: { target: CorrectionTarget; question: string; original: string; ticketId: string | null }): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: CORRECTION_VIEW,
    private_metadata: encodeTarget(input.target),
    title: { type: 'plain_text', text: 'Correct the answer' },
    submit: { type: 'plain_text', text: 'Save correction' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: mrkdwn(`*Question*\n${escapeSlack(clip(input.question, 2800))}`) },
      { type: 'context', elements: [mrkdwn(input.ticketId ? `Corrects ticket ${escapeSlack(input.ticketId)}` : 'Not from a ticket')] },
      {
        type: 'input',
        block_id: CORRECTION_INPUT.block,
        label: { type: 'plain_text', text: 'Correct answer' },
        element: { type: 'plain_text_input', action_id: CORRECTION_INPUT.action, multiline: true, initial_value: clip(input.original, 3000), max_length: 3000 },
      },
    ],
  };
}
