import { toReply, type Activity, type Reply } from '../core/activity.js';
import type { ChannelAdapter, ChannelCapabilities } from '../core/channel.js';
import type { Bot } from '../core/bot.js';
import { newId } from '../core/ids.js';
import type { Store } from '../core/store.js';

/** What a reply is checked against: its text (substring or pattern) or a function that throws on mismatch. */
export type ReplyExpectation = string | RegExp | ((reply: Reply) => void);

/**
 * An in-memory channel for conversation tests (like botbuilder's TestAdapter): `send` a customer message, then
 * `assertReply` checks the bot's replies in order.
 *
 * @example
 * await new TestChannel(bot, store).send('where is my order?').assertReply(/tracking/).assertReply((r) => ...);
 */
export class TestChannel implements ChannelAdapter {
  readonly channel = 'test';
  readonly capabilities: ChannelCapabilities = { typing: true, quickReplies: true, images: true, streaming: false, proactive: true };
  /** Every activity delivered to the customer, in order. */
  readonly delivered: Activity[] = [];
  /** Typing indicator changes, in order. */
  readonly typing: boolean[] = [];
  private conversationId: string | undefined;
  private readonly pending: Activity[] = [];

  constructor(
    private readonly bot: Bot,
    private readonly store: Store,
    private readonly userId = 'test-user',
  ) {}

  /** Receives proactive activities (e.g. an agent's reply) like a real channel would. */
  async send(activity: Activity): Promise<void> {
    this.delivered.push(activity);
    this.pending.push(activity);
  }

  /** The conversation this channel talks in (created on first use). */
  async conversation(): Promise<string> {
    this.conversationId ??= (await this.store.createConversation({ userId: this.userId, channel: this.channel })).id;
    return this.conversationId;
  }

  /** Sends a customer message and starts a chainable flow of expectations. */
  say(text: string, options: { channelMessageId?: string } = {}): TestFlow {
    return new TestFlow(this, Promise.resolve()).say(text, options);
  }

  /** Runs one turn; used by {@link TestFlow}. */
  async deliver(text: string, channelMessageId?: string): Promise<void> {
    const conversationId = await this.conversation();
    const id = newId('act');
    const activity: Activity = {
      id,
      type: 'message',
      channel: this.channel,
      channelMessageId: channelMessageId ?? id,
      conversationId,
      from: { id: this.userId, role: 'customer' },
      text,
      timestamp: new Date().toISOString(),
    };
    await this.bot.processActivity(activity, { send: (reply) => this.send(reply), typing: async (on) => void this.typing.push(on) });
  }

  /** Takes the oldest reply not yet checked. */
  nextReply(): Reply | undefined {
    const activity = this.pending.shift();
    return activity && toReply(activity);
  }
}

/** A chain of customer messages and reply expectations; await it to run the checks. */
export class TestFlow implements PromiseLike<void> {
  constructor(
    private readonly channel: TestChannel,
    private readonly done: Promise<void>,
  ) {}

  /** Sends another customer message after the previous steps. */
  say(text: string, options: { channelMessageId?: string } = {}): TestFlow {
    return new TestFlow(this.channel, this.done.then(() => this.channel.deliver(text, options.channelMessageId)));
  }

  /** Expects the next reply to match: a substring, a pattern, or a function that throws on mismatch. */
  assertReply(expected: ReplyExpectation): TestFlow {
    return new TestFlow(
      this.channel,
      this.done.then(() => {
        const reply = this.channel.nextReply();
        if (!reply) throw new Error(`expected a reply matching ${String(expected)}, but the bot sent nothing more`);
        if (typeof expected === 'function') return expected(reply);
        const ok = typeof expected === 'string' ? reply.text.includes(expected) : expected.test(reply.text);
        if (!ok) throw new Error(`expected a reply matching ${String(expected)}, got: ${JSON.stringify(reply.text)}`);
      }),
    );
  }

  /** Expects the next reply to have this action (`answer`, `clarify` or `handoff`). */
  assertAction(action: Reply['action']): TestFlow {
    return this.assertReply((reply) => {
      if (reply.action !== action) throw new Error(`expected a "${action}" reply, got "${reply.action}": ${JSON.stringify(reply.text)}`);
    });
  }

  /** Expects no further reply so far. */
  assertNoReply(): TestFlow {
    return new TestFlow(
      this.channel,
      this.done.then(() => {
        const reply = this.channel.nextReply();
        if (reply) throw new Error(`expected no more replies, got: ${JSON.stringify(reply.text)}`);
      }),
    );
  }

  then<T = void, E = never>(onFulfilled?: ((value: void) => T | PromiseLike<T>) | null, onRejected?: ((reason: unknown) => E | PromiseLike<E>) | null): Promise<T | E> {
    return this.done.then(onFulfilled, onRejected);
  }
}
