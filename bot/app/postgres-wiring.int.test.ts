import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, toReply } from '../core/index.js';
import { PostgresDriver } from '../storage/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { createParley } from './parley.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL composition test');
const describeIfPg = available ? describe : describe.skip;

describeIfPg('DATABASE_URL runs Parley on PostgreSQL', () => {
  it('ingests the sample tickets there, answers, and a second server on the same database sees the conversation', async () => {
    const schema = `parley_test_${randomBytes(6).toString('hex')}`;
    const home = await mkdtemp(join(tmpdir(), 'parley-pgapp-'));
    const config = loadConfig({ PARLEY_HOME: home, DATABASE_URL: connectionString });
    const first = await createParley(config, { logger: silentLogger, schema });
    const second = await createParley(config, { logger: silentLogger, schema });
    try {
      expect(first.store.kind).toBe('postgres');
      expect(await first.store.countTickets()).toBeGreaterThanOrEqual(150);
      expect(second.knowledge.size).toBe(first.knowledge.size);
      const conversation = await first.store.createConversation({ userId: 'u', channel: 'rest' });
      const { replies } = await first.bot.processActivity({
        id: newId('act'),
        type: 'message',
        channel: 'rest',
        conversationId: conversation.id,
        from: { id: 'u', role: 'customer' },
        text: 'how long do refunds take?',
        timestamp: new Date().toISOString(),
      });
      expect(toReply(replies[0]!).text).toMatch(/5–7 business days/);
      expect((await second.store.listMessages(conversation.id)).map((m) => m.role)).toEqual(['customer', 'bot']);
      // Both servers share the token secret kept in the database.
      expect(second.tokens.verify(conversation.id, first.tokens.sign(conversation.id))).toBe(true);
    } finally {
      await first.close();
      await second.close();
      const driver = new PostgresDriver({ connectionString, schema });
      await driver.dropSchema(schema);
      await driver.close();
      await rm(home, { recursive: true, force: true });
    }
    // Two servers each ingest and learn the sample tickets on PostgreSQL: over 30 s on a busy machine (load 9).
  }, 120_000);
});
