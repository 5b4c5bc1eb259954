import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, runMiddleware, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { csatDialog } from './csat-dialog.js';
import { DialogEngine } from './engine.js';
import { supportSteps, TOPICS } from './support-steps.js';

/** The router's steps on their own: each answers what it owns and stops, or passes the message on to the decision. */
describe('support steps as middleware', () => {
  let home: string;
  let store: Store;
  let bot: Bot;
  const decided: string[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-steps-'));
    store = await openStore({ home });
    const steps = supportSteps({ engine: () => engine, tryOn: false, csatChannels: ['test'] });
    const engine: DialogEngine = new DialogEngine([csatDialog()], (ctx) =>
      runMiddleware(steps, ctx, async (turn) => {
        decided.push(turn.activity.text);
        await turn.send({ text: 'decided', action: 'answer' });
      }),
    );
    bot = new Bot({ store, handler: engine.handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers small talk itself and passes a question on to the decision', async () => {
    await new TestChannel(bot, store, 'steps-1')
      .say('hello')
      .assertReply((reply) => expect(reply.quickReplies).toEqual(TOPICS))
      .say('where is my order?')
      .assertReply('decided');
    expect(decided).toEqual(['where is my order?']);
  });

  it('begins the CSAT rating after thanks on a CSAT channel', async () => {
    await new TestChannel(bot, store, 'steps-2').say('thanks!').assertReply(/welcome/).assertReply(/rate|1.{1,3}5/i);
  });

  it('relays a message to the person who has the conversation, without a decision', async () => {
    const channel = new TestChannel(bot, store, 'steps-3');
    const conversationId = await channel.conversation();
    await store.updateConversation(conversationId, { status: 'needs_human', handoffReason: 'customer_request' });
    decided.length = 0;
    await channel.say('how long do refunds take?').assertReply((reply) => expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'customer_request' } }));
    expect(decided).toEqual([]);
  });
});
