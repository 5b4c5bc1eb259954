import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type Activity } from '../core/index.js';
import { openStore } from './index.js';
import { describeStoreContract } from './store-contract.js';
import { advanceClock, useFakeDate } from '../testing/clock.js';

async function tempHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parley-sqlite-'));
}

describeStoreContract('SQLite', async () => {
  const home = await tempHome();
  const store = await openStore({ home });
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(home, { recursive: true, force: true });
    },
  };
});

describe('SQLite store on disk', () => {
  let home: string;

  beforeEach(async () => {
    home = await tempHome();
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('creates parley.db in the home folder and keeps data across close and reopen', async () => {
    const first = await openStore({ home });
    expect(first.kind).toBe('sqlite');
    expect(existsSync(join(home, 'parley.db'))).toBe(true);

    const conversation = await first.createConversation({ userId: 'u1', channel: 'test', metadata: { plan: 'pro' } });
    const activity: Activity = {
      id: newId('act'),
      type: 'message',
      channel: 'test',
      channelMessageId: 'msg-1',
      conversationId: conversation.id,
      from: { id: 'u1', role: 'customer' },
      text: 'still there?',
      timestamp: new Date().toISOString(),
    };
    await first.appendMessage(activity);
    const receipt = await first.receiveInbound(activity);
    await first.completeInbound(receipt.inboxId, 'done');
    await first.saveDialogState(conversation.id, { stack: ['greeting'] });
    await first.upsertTickets([{ id: 't1', question: 'q?', answer: 'a.', source: 'faq', metadata: { lang: 'en' } }]);
    await first.setSettingIfAbsent('token_secret', 'kept');
    await first.close();

    const second = await openStore({ home });
    try {
      expect(await second.getConversation(conversation.id)).toEqual(conversation);
      expect((await second.listMessages(conversation.id)).map((m) => m.text)).toEqual(['still there?']);
      expect(await second.getDialogState(conversation.id)).toEqual({ stack: ['greeting'] });
      expect(await second.receiveInbound({ ...activity, id: newId('act') })).toEqual({ inboxId: receipt.inboxId, duplicate: true, status: 'done' });
      expect(await second.listTickets({ source: 'faq' })).toEqual([expect.objectContaining({ id: 't1', metadata: { lang: 'en' } })]);
      expect(await second.setSettingIfAbsent('token_secret', 'new')).toBe('kept');
    } finally {
      await second.close();
    }
  });

  it("serves a setting read with maxAgeMs from its cache until that age, and sees this process's own writes at once", async () => {
    const here = await openStore({ home });
    const elsewhere = await openStore({ home });
    // The cache's age is measured on the clock: faked, so that it moves exactly as far as the test says.
    useFakeDate();
    try {
      await here.setSetting('generation.chatModel', 'first');
      // A read at the very instant of this process's write is not cached (it may predate the write): time moves on.
      advanceClock(1);
      expect(await here.getSetting('generation.chatModel', { maxAgeMs: 60_000 })).toBe('first');
      // Another process switches the model: a turn may keep the value it read for up to maxAgeMs.
      await elsewhere.setSetting('generation.chatModel', 'second');
      expect(await here.getSetting('generation.chatModel', { maxAgeMs: 60_000 })).toBe('first');
      expect(await here.getSetting('generation.chatModel')).toBe('second');
      await elsewhere.setSetting('generation.chatModel', 'third');
      advanceClock(10);
      expect(await here.getSetting('generation.chatModel', { maxAgeMs: 10 })).toBe('second');
      advanceClock(1);
      expect(await here.getSetting('generation.chatModel', { maxAgeMs: 10 })).toBe('third');
      // This process's own write is seen at once, whatever the age allowed.
      await here.setSetting('generation.chatModel', 'fourth');
      expect(await here.getSetting('generation.chatModel', { maxAgeMs: 60_000 })).toBe('fourth');
      expect(await here.setSettingIfAbsent('absent.key', 'kept')).toBe('kept');
      expect(await here.getSetting('absent.key', { maxAgeMs: 60_000 })).toBe('kept');
    } finally {
      jest.useRealTimers();
      await here.close();
      await elsewhere.close();
    }
  });

  it('keeps call order for messages appended concurrently to one conversation', async () => {
    const store = await openStore({ home });
    try {
      const conversation = await store.createConversation({ userId: 'u2', channel: 'test' });
      const activities = Array.from({ length: 40 }, (_, i): Activity => ({
        id: newId('act'),
        type: 'message',
        channel: 'test',
        conversationId: conversation.id,
        from: { id: 'u2', role: i % 2 ? 'bot' : 'customer' },
        text: `m${i}`,
        timestamp: new Date().toISOString(),
      }));
      await Promise.all(activities.map((a) => store.appendMessage(a)));
      expect((await store.listMessages(conversation.id)).map((m) => m.id)).toEqual(activities.map((a) => a.id));
    } finally {
      await store.close();
    }
  });
});
