import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type Activity, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { ConversationScorer } from './job.js';

function message(conversationId: string, role: 'customer' | 'bot', text: string): Activity {
  return { id: newId('act'), type: 'message', channel: 'webchat', conversationId, from: { id: role, role }, text, timestamp: new Date().toISOString() };
}

/** The ids of the conversations whose scores `store` saves from now on, in order. */
function recordSaves(store: Store): string[] {
  const saved: string[] = [];
  const saveScore = store.evaluations.saveScore.bind(store.evaluations);
  store.evaluations.saveScore = async (score) => {
    await saveScore(score);
    saved.push(score.conversationId);
  };
  return saved;
}

describe('ConversationScorer.scoreDue', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-scorer-'));
    store = await openStore({ home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('scores every answered conversation, letting other work run between two (the embedded store answers at once)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const conversation = await store.createConversation({ userId: `u${i}`, channel: 'webchat' });
      await store.appendMessage(message(conversation.id, 'customer', 'How long does shipping take?'));
      await store.appendMessage(message(conversation.id, 'bot', 'Standard shipping takes 3 to 5 business days.'));
      ids.push(conversation.id);
    }
    const saved = recordSaves(store);
    const scorer = new ConversationScorer({ store });

    const pass = scorer.scoreDue();
    // Other work waiting for the event loop (a socket's message, a timer) while the pass runs.
    const savedWhenOtherWorkRan = new Promise<number>((resolve) => setImmediate(() => resolve(saved.length)));
    const scores = await pass;

    expect(scores.map((s) => s.conversationId).sort()).toEqual([...ids].sort());
    expect(await savedWhenOtherWorkRan).toBeLessThan(ids.length);
    expect(await scorer.scoreDue()).toEqual([]);
  });

  it('runs one pass at a time: calls during a pass share one more pass after it, which scores only what came due meanwhile', async () => {
    const answered = async (user: string) => {
      const conversation = await store.createConversation({ userId: user, channel: 'webchat' });
      await store.appendMessage(message(conversation.id, 'customer', 'Do you ship to Canada?'));
      await store.appendMessage(message(conversation.id, 'bot', 'Yes, we ship to Canada in 5 to 8 business days.'));
      return conversation.id;
    };
    const first = [await answered('a'), await answered('b'), await answered('c')];
    const saved = recordSaves(store);
    const scorer = new ConversationScorer({ store });

    const running = scorer.scoreDue();
    const late = await answered('d');
    const [again, andAgain] = [scorer.scoreDue(), scorer.scoreDue()];

    expect((await running).map((s) => s.conversationId).sort()).toEqual([...first].sort());
    const following = await again;
    expect(await andAgain).toBe(following);
    expect(following.map((s) => s.conversationId)).toEqual([late]);
    // Each conversation scored once (overlapping passes scored the first three twice or three times).
    expect(saved.sort()).toEqual([...first, late].sort());
  });
  it('scores an open conversation again once it went on for a minute, and a handoff waiting 15 minutes for nobody is flagged', async () => {
    let clock = Date.now();
    const scorer = new ConversationScorer({ store, now: () => new Date(clock) });
    const conversation = await store.createConversation({ userId: 'u', channel: 'webchat' });
    await store.appendMessage(message(conversation.id, 'customer', 'How long does shipping take?'));
    await store.appendMessage(message(conversation.id, 'bot', 'Standard shipping takes 3 to 5 business days.'));
    expect((await scorer.scoreDue()).map((s) => s.metrics.customerMessages)).toEqual([1]);
    await store.appendMessage(message(conversation.id, 'customer', 'I want to talk to a person'));
    await store.appendMessage({ ...message(conversation.id, 'bot', 'I have passed your request to our team.'), action: 'handoff' });
    await store.updateConversation(conversation.id, { status: 'needs_human', handoffReason: 'customer_request' });
    // Within the minute: the score stands.
    expect(await scorer.scoreDue()).toEqual([]);
    clock += 61_000;
    const [again] = await scorer.scoreDue();
    expect(again).toMatchObject({ conversationId: conversation.id, metrics: { customerMessages: 2, handedOff: true, handoffUnanswered: false } });
    expect(await scorer.scoreDue()).toEqual([]);
    // Nobody wrote for 15 minutes: scored again without a new message, now flagged.
    clock += 15 * 60_000 + 1_000;
    const [waited] = await scorer.scoreDue();
    expect(waited?.flags).toContain('handoff unanswered');
    expect(waited!.score).toBeLessThan(again!.score);
  });
});
