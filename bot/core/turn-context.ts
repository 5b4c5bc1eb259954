import type { Activity, ReplyInput } from './activity.js';
import { newId } from './ids.js';
import type { ConversationRecord, MessageRecord, Store } from './store.js';
import type { ModelCall } from './turn-observer.js';

/** Where a turn's replies go: the channel connection that is waiting for them, if any. */
export interface TurnSink {
  send(activity: Activity): Promise<void>;
  /** Shows or hides a typing indicator where the channel has one. */
  typing?(on: boolean): Promise<void>;
  /** Shows a partial reply while it is generated (channels that can stream); the final `send` has the same id. */
  stream?(partial: { id: string; delta: string; text: string }): Promise<void>;
}

/** Writes a reply durably (outbox + transcript) and hands it to the sink; provided by the {@link Bot}. */
export type Deliver = (activity: Activity) => Promise<void>;

/**
 * Everything one turn needs: the incoming activity, its conversation, the store, and `send` for replies.
 * Middleware may put values in `turnState` for later steps of the same turn.
 */
export class TurnContext {
  readonly replies: Activity[] = [];
  readonly turnState = new Map<string, unknown>();
  /** Milliseconds spent in each named stage of this turn (see {@link timed}); reported to the bot's observer. */
  readonly stageMs = new Map<string, number>();
  /** Chat-model calls of this turn (tokens, cost); reported to the bot's observer. */
  readonly modelCalls: ModelCall[] = [];
  /**
   * The conversation's dialog state to store when the turn ends (set by {@link saveDialogState}): the Bot writes it in
   * the turn's last transaction, with the inbox completion.
   */
  dialogStateToSave: { state: unknown } | undefined;
  /** The transcript as read by {@link transcript}; dropped when this turn sends a reply. */
  private transcriptRead: Promise<readonly MessageRecord[]> | undefined;

  constructor(
    readonly activity: Activity,
    public conversation: ConversationRecord,
    readonly store: Store,
    private readonly deliver: Deliver,
    private readonly sink?: TurnSink,
  ) {}

  /** Sends a bot reply in this conversation; returns the stored activity. */
  async send(input: ReplyInput, id: string = newId('act')): Promise<Activity> {
    const reply: Activity = {
      id,
      type: 'message',
      channel: this.activity.channel,
      conversationId: this.conversation.id,
      from: { id: 'parley', role: 'bot' },
      text: input.text,
      timestamp: new Date().toISOString(),
      action: input.action ?? 'answer',
      sources: input.sources ?? [],
      replyToId: this.activity.id,
    };
    if (input.handoff) reply.handoff = input.handoff;
    if (input.quickReplies?.length) reply.quickReplies = input.quickReplies;
    if (input.images?.length) reply.images = input.images;
    if (input.confidence !== undefined) reply.confidence = Number(input.confidence.toFixed(4));
    this.replies.push(reply);
    // The transcript now has this reply: the next read sees it.
    this.transcriptRead = undefined;
    await this.deliver(reply);
    return reply;
  }

  /**
   * The conversation's transcript, oldest first, this turn's customer message included (stored when it was
   * accepted), and the replies this turn sent so far. Read from the store once per turn and shared by every step that
   * needs it (history for generation, the previous reply for the handoff policy, earlier messages for slots), again
   * only after this turn sent a reply. Do not modify the records.
   */
  transcript(): Promise<readonly MessageRecord[]> {
    if (!this.transcriptRead) {
      const read = this.store.listMessages(this.conversation.id);
      // A failed read is not kept: the next call tries again.
      read.catch(() => {
        if (this.transcriptRead === read) this.transcriptRead = undefined;
      });
      this.transcriptRead = read;
    }
    return this.transcriptRead;
  }

  /**
   * Sends a reply generated piece by piece: channels that can stream show each piece as it comes, the others get
   * only the final reply. The stored reply (outbox, transcript) is the complete text, sent once.
   */
  async sendStream(
    pieces: AsyncIterable<string>,
    input: Omit<ReplyInput, 'text'> = {},
    /** Builds the final reply from the streamed text (e.g. after checking it); it replaces the partial text. */
    finish?: (text: string) => ReplyInput | Promise<ReplyInput>,
  ): Promise<Activity> {
    const id = newId('act');
    let text = '';
    for await (const delta of pieces) {
      text += delta;
      await this.sink?.stream?.({ id, delta, text });
    }
    return this.send(finish ? await finish(text) : { ...input, text }, id);
  }

  /**
   * Saves the conversation's dialog state (e.g. the dialog stack) when the turn ends, atomically with its completion;
   * the last call wins. A turn that ends without running its completion (its process died) saves nothing, and runs
   * again from the state before it.
   */
  saveDialogState(state: unknown): void {
    // A copy: what is saved is the state as it is now, whatever later steps of the turn do to the object.
    this.dialogStateToSave = { state: structuredClone(state) };
  }

  /** Runs `work` as the named pipeline stage (`retrieval`, `generation`…), adding its wall-clock time to {@link stageMs}. */
  async timed<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.stageMs.set(stage, (this.stageMs.get(stage) ?? 0) + performance.now() - started);
    }
  }

  /** Shows a typing indicator where the channel supports it; a no-op elsewhere. */
  async typing(on: boolean): Promise<void> {
    await this.sink?.typing?.(on);
  }
}
