import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/index.js';
import type { Activity } from './activity.js';
import { Bot } from './bot.js';
import { handoff, HANDOFF_REASONS, isHandoffReason, type HandoffOutcome, type HandoffReason } from './handoff.js';
import { newId } from './ids.js';
import type { Store } from './store.js';

/** `handoff.request`, the one way to hand a conversation to a person, run inside real turns over a SQLite store. */
describe('handoff.request', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-handoff-'));
    store = await openStore({ home });
  });

  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  async function turn(run: (ctx: Parameters<ConstructorParameters<typeof Bot>[0]['handler']>[0]) => Promise<void>) {
    const { id: conversationId } = await store.createConversation({ userId: 'customer-1', channel: 'test' });
    const activity: Activity = {
      id: newId('act'),
      type: 'message',
      channel: 'test',
      conversationId,
      from: { id: 'customer-1', role: 'customer' },
      text: 'help',
      timestamp: new Date().toISOString(),
    };
    activity.channelMessageId = activity.id;
    const sent: Activity[] = [];
    const result = await new Bot({ store, handler: run }).processActivity(activity, { send: async (reply) => void sent.push(reply) });
    return { conversationId, replies: result.replies, sent };
  }

  it('records the reason and metadata in one update and sends the reply as a handoff carrying the reason', async () => {
    const { conversationId, replies, sent } = await turn(async (ctx) => {
      await handoff.request(ctx, 'sensitive_topic', { reply: { text: 'A person will look at this.', action: 'answer' }, confidence: 0.42, metadata: { handoffTopic: 'legal' } });
      expect(ctx.conversation).toMatchObject({ status: 'needs_human', handoffReason: 'sensitive_topic' });
    });
    expect(await store.getConversation(conversationId)).toMatchObject({ status: 'needs_human', handoffReason: 'sensitive_topic', metadata: { handoffTopic: 'legal' } });
    expect(replies).toEqual([expect.objectContaining({ text: 'A person will look at this.', action: 'handoff', handoff: { reason: 'sensitive_topic' }, sources: [], confidence: 0.42 })]);
    expect(sent.map((a) => a.id)).toEqual(replies.map((a) => a.id));
  });

  it('with send: false returns the reply without sending it (a streamed answer sends it under its own id)', async () => {
    let outcome: HandoffOutcome | undefined;
    const { conversationId, replies } = await turn(async (ctx) => {
      outcome = await handoff.request(ctx, 'ungrounded', { reply: { text: 'A person will check.' }, confidence: 0.3, send: false });
    });
    expect(outcome).toEqual({ reply: { text: 'A person will check.', action: 'handoff', handoff: { reason: 'ungrounded' }, sources: [], confidence: 0.3 } });
    expect(replies).toEqual([]);
    expect(await store.getConversation(conversationId)).toMatchObject({ status: 'needs_human', handoffReason: 'ungrounded' });
  });

  it('without a reply only records the handoff', async () => {
    const { conversationId, replies } = await turn(async (ctx) => {
      expect(await handoff.request(ctx, 'vip')).toEqual({});
    });
    expect(replies).toEqual([]);
    expect(await store.getConversation(conversationId)).toMatchObject({ status: 'needs_human', handoffReason: 'vip' });
  });

  it('knows its closed set of reasons', () => {
    expect(HANDOFF_REASONS.every(isHandoffReason)).toBe(true);
    expect(isHandoffReason('because')).toBe(false);
    expect(isHandoffReason(undefined)).toBe(false);
    // @ts-expect-error a reason outside HANDOFF_REASONS does not compile
    const notAReason: HandoffReason = 'because';
    expect(isHandoffReason(notAReason)).toBe(false);
  });
});
