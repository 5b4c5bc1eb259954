import type { Activity, Attachment, ConversationRecord, CorrectionRecord, ImageRef, MessageRecord, Source, TicketRecord } from '../../bot/core/index.js';
import type { ScorerInput } from './types.js';

/** A bot reply in a hand-written transcript. */
export interface BotLine {
  text: string;
  action?: Activity['action'];
  sources?: Source[];
  confidence?: number;
  handoff?: string;
  /** Images the reply shows (a try-on result, product photos). */
  images?: ImageRef[];
}

/**
 * Builds hand-written transcripts for scorer tests and examples: `customer()` and `bot()` lines a given number of
 * seconds apart (default 2), bot lines answering the last customer line.
 */
export class TranscriptBuilder {
  private readonly messages: MessageRecord[] = [];
  private clock: number;
  private lastCustomer: string | undefined;
  private handoffReason: string | null = null;

  constructor(
    private readonly conversationId = 'conv_test',
    start = Date.parse('2026-03-02T10:00:00Z'),
    private readonly channel = 'webchat',
  ) {
    this.clock = start;
  }

  private add(role: MessageRecord['role'], text: string, extra: Partial<Activity>, afterSeconds: number): this {
    this.clock += afterSeconds * 1000;
    const id = `m${this.messages.length + 1}`;
    const createdAt = new Date(this.clock).toISOString();
    const activity: Activity = {
      id,
      type: 'message',
      channel: this.channel,
      conversationId: this.conversationId,
      from: { id: role === 'customer' ? 'cust' : role, role },
      text,
      timestamp: createdAt,
      ...extra,
    };
    this.messages.push({ id, conversationId: this.conversationId, role, text, channel: this.channel, createdAt, activity });
    if (role === 'customer') this.lastCustomer = id;
    return this;
  }

  /** A customer message, with the files (photos) it brought. */
  customer(text: string, afterSeconds = 2, attachments: Attachment[] = []): this {
    return this.add('customer', text, attachments.length ? { attachments } : {}, afterSeconds);
  }

  /** A bot reply to the last customer message. */
  bot(line: BotLine | string, afterSeconds = 2): this {
    const reply = typeof line === 'string' ? { text: line } : line;
    if (reply.handoff) this.handoffReason = reply.handoff;
    return this.add(
      'bot',
      reply.text,
      {
        action: reply.action ?? (reply.handoff ? 'handoff' : 'answer'),
        sources: reply.sources ?? [],
        ...(reply.handoff ? { handoff: { reason: reply.handoff } } : {}),
        ...(reply.confidence !== undefined ? { confidence: reply.confidence } : {}),
        ...(reply.images ? { images: reply.images } : {}),
        ...(this.lastCustomer ? { replyToId: this.lastCustomer } : {}),
      },
      afterSeconds,
    );
  }

  /** A message from a human agent. */
  agent(text: string, afterSeconds = 60): this {
    return this.add('agent', text, {}, afterSeconds);
  }

  /** The scorer input: this transcript, `tickets` to look sources up in, and optional CSAT and corrections. */
  build(tickets: TicketRecord[] = [], extra: { csat?: number; corrections?: Pick<CorrectionRecord, 'id'>[] } = {}): ScorerInput {
    const first = this.messages[0]?.createdAt ?? new Date(this.clock).toISOString();
    const conversation: ConversationRecord = {
      id: this.conversationId,
      userId: 'cust',
      channel: this.channel,
      status: 'closed',
      handoffReason: this.handoffReason,
      metadata: {},
      createdAt: first,
      updatedAt: new Date(this.clock).toISOString(),
    };
    const byId = new Map(tickets.map((t) => [t.id, t]));
    return { conversation, messages: [...this.messages], ticket: (id) => byId.get(id), corrections: extra.corrections ?? [], csat: extra.csat };
  }
}
