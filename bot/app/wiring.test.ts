import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI } from '../../knowledge/embeddings/openai/index.js';
import { startFakeQdrant, type FakeQdrant } from '../../knowledge/indexes/qdrant/index.js';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, toReply } from '../core/index.js';
import { createParley, type Parley } from './parley.js';

async function ask(parley: Parley, text: string) {
  const conversation = await parley.store.createConversation({ userId: 'u', channel: 'test' });
  const { replies } = await parley.bot.processActivity({
    id: newId('act'),
    type: 'message',
    channel: 'test',
    conversationId: conversation.id,
    from: { id: 'u', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  });
  return toReply(replies[0]!);
}

describe('QDRANT_URL selects the Qdrant index', () => {
  let home: string;
  let qdrant: FakeQdrant;
  let parley: Parley;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-qdrant-'));
    qdrant = await startFakeQdrant();
    parley = await createParley(loadConfig({ PARLEY_HOME: home, QDRANT_URL: qdrant.url, QDRANT_COLLECTION: 'support_test' }), { logger: silentLogger });
  });
  afterAll(async () => {
    await parley.close();
    await qdrant.close();
    await rm(home, { recursive: true, force: true });
  });

  it('indexes the sample tickets in Qdrant and answers through its hybrid query', async () => {
    expect(qdrant.requests.some((r) => r.method === 'PUT' && r.path === '/collections/support_test')).toBe(true);
    const queriesBefore = qdrant.requests.filter((r) => r.path === '/collections/support_test/points/query').length;
    const reply = await ask(parley, 'how long do refunds take?');
    expect(reply.action).toBe('answer');
    expect(reply.text).toMatch(/5–7 business days/);
    expect(qdrant.requests.filter((r) => r.path === '/collections/support_test/points/query').length).toBeGreaterThan(queriesBefore);
  });
});

describe('PARLEY_EMBEDDINGS=openai embeds through the configured OpenAI-compatible server', () => {
  it('embeds the tickets and each question there and still answers', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-openai-'));
    const openai = await startFakeOpenAI({ apiKey: 'sk-test-key', dims: 64 });
    const parley = await createParley(
      loadConfig({ PARLEY_HOME: home, PARLEY_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: openai.url }),
      { logger: silentLogger },
    );
    try {
      const before = openai.requests.filter((r) => r.path.endsWith('/embeddings')).length;
      expect(before).toBeGreaterThan(0);
      const reply = await ask(parley, 'can I machine wash my wool sweater?');
      expect(reply.action).toBe('answer');
      expect(reply.sources[0]?.metadata.category).toBe('product_care');
      expect(openai.requests.filter((r) => r.path.endsWith('/embeddings')).length).toBeGreaterThan(before);
    } finally {
      await parley.close();
      await openai.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
