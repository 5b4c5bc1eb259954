import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { KnowledgeBase } from '../knowledge/index.js';
import { CSAT_QUESTION, parseRating } from './csat-dialog.js';
import { createSupportBot } from './support-router.js';

describe('CSAT', () => {
  it('reads ratings from 1 to 5 in the usual forms and nothing else', () => {
    expect(['1', '5', ' 4 ', '4/5', '3 out of 5', '5 stars', 'five', '⭐⭐⭐', '2!'].map(parseRating)).toEqual([1, 5, 4, 4, 3, 5, 5, 3, 2]);
    expect(['0', '6', '10', 'where is my order 2', '', '⭐⭐⭐⭐⭐⭐', '4 5'].map(parseRating)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  describe('in the support router', () => {
    let home: string;
    let store: Store;
    let bot: Bot;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'parley-csat-'));
      store = await openStore({ home });
      const knowledge = new KnowledgeBase(store);
      await knowledge.load();
      bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.3, clarify: 0.2 } }).handler });
    });
    afterAll(async () => {
      await store.close();
      await rm(home, { recursive: true, force: true });
    });

    it('asks for a rating with quick replies after thanks, stores it and closes the conversation', async () => {
      const channel = new TestChannel(bot, store);
      await channel
        .say('thanks!')
        .assertReply(/welcome/)
        .assertReply((reply) => {
          expect(reply.text).toBe(CSAT_QUESTION);
          expect(reply.quickReplies).toEqual(['1', '2', '3', '4', '5']);
        })
        .say('4')
        .assertReply(/Thank you for your rating/);
      const id = await channel.conversation();
      expect(await store.evaluations.getCsat(id)).toMatchObject({ rating: 4 });
      expect(await store.getConversation(id)).toMatchObject({ status: 'closed', metadata: { closedBy: 'customer' } });
    });

    it('lets a message that is not a rating go to the router, without storing a rating', async () => {
      const channel = new TestChannel(bot, store);
      await channel.say('thank you').assertReply(/welcome/).assertReply(CSAT_QUESTION).say('hello').assertReply(/What can I do for you/);
      expect(await store.evaluations.getCsat(await channel.conversation())).toBeUndefined();
    });

    it('does not ask on channels without quick replies', async () => {
      const sms = createSupportBot({ knowledge: new KnowledgeBase(store), thresholds: { answer: 0.3, clarify: 0.2 }, csatChannels: [] });
      const channel = new TestChannel(new Bot({ store, handler: sms.handler }), store);
      await channel.say('thanks').assertReply(/welcome/);
      expect(channel.nextReply()).toBeUndefined();
    });
  });
});
