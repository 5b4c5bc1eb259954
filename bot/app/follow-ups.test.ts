import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, type Activity } from '../core/index.js';
import { createParley, type Parley } from './parley.js';

/** Whole conversations on the bundled sample store (composer, default thresholds), as `POST /api/chat` runs them. */
let home: string;
let parley: Parley;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-follow-ups-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
});
afterAll(async () => {
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

async function conversation(...texts: string[]): Promise<Activity[]> {
  const { id } = await parley.store.createConversation({ userId: 'u1', channel: 'webchat' });
  const replies: Activity[] = [];
  for (const text of texts) {
    const sent: Activity[] = [];
    await parley.bot.processActivity(
      { id: newId('act'), type: 'message', channel: 'webchat', conversationId: id, from: { id: 'u1', role: 'customer' }, text, timestamp: new Date().toISOString() },
      { send: async (activity) => void sent.push(activity) },
    );
    replies.push(sent.at(-1) as Activity);
  }
  return replies;
}

describe('follow-up questions', () => {
  it('answers "how long does that take to arrive?" after a shipping question with the next answer, not the same one', async () => {
    const [first, followUp] = await conversation('Do you ship to Germany?', 'how long does that take to arrive?');
    expect(first?.action).toBe('answer');
    expect(followUp?.action).toBe('answer');
    expect(followUp?.sources?.[0]?.id).not.toBe(first?.sources?.[0]?.id);
    expect(followUp?.text).not.toBe(first?.text);
    expect(followUp?.text).toMatch(/7–12 business days/);
  });

  it('keeps the topic of the earlier question: "and how long does it take?" after the cost of UK shipping', async () => {
    const [first, followUp] = await conversation('How much is shipping to the UK?', 'and how long does it take?');
    expect(first?.action).toBe('answer');
    expect(followUp?.action).toBe('answer');
    expect(followUp?.sources?.[0]?.id).not.toBe(first?.sources?.[0]?.id);
    expect(followUp?.text).toMatch(/UK/);
    expect(followUp?.text).toMatch(/business days/);
  });

  it('never answers shipping to Canada with US, UK and EU delivery times', async () => {
    const [reply] = await conversation('How long does shipping to Canada take?');
    if (reply?.action === 'answer') expect(reply.text).toMatch(/not at the moment|don't ship|do not ship/i);
    else if (reply?.action === 'clarify') expect(reply.quickReplies?.[0]).toMatch(/Canada/);
    expect(reply?.text).not.toMatch(/standard US delivery takes/);
  });
});
