import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresForTests } from '../testing/postgres.js';
import { message } from './contract/fixtures.js';
import { PostgresDriver } from './postgres-driver.js';
import type { SqlDriver } from './sql-driver.js';
import { SqlStore } from './sql-store.js';
import { SqliteDriver } from './sqlite-driver.js';
import { MessageReads } from './message-reads.js';

const pg = await postgresForTests('the PostgreSQL message read tests');

/** Two stores (two instances) over one database, and a driver for what neither store would do. */
interface Instances {
  here: SqlStore;
  elsewhere: SqlStore;
  hereDriver: SqlDriver;
  raw: SqlDriver;
  close(): Promise<void>;
}

async function sqliteInstances(): Promise<Instances> {
  const home = await mkdtemp(join(tmpdir(), 'parley-message-reads-'));
  const path = join(home, 'parley.db');
  const drivers = [new SqliteDriver(path), new SqliteDriver(path), new SqliteDriver(path)] as const;
  const [hereDriver, elsewhereDriver, raw] = drivers;
  const here = new SqlStore(hereDriver);
  await here.migrate();
  return {
    here,
    elsewhere: new SqlStore(elsewhereDriver),
    hereDriver,
    raw,
    async close() {
      for (const driver of drivers) await driver.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

async function postgresInstances(): Promise<Instances> {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  const drivers = [0, 1, 2].map(() => new PostgresDriver({ connectionString: pg.connectionString, schema }));
  const [hereDriver, elsewhereDriver, raw] = drivers as [PostgresDriver, PostgresDriver, PostgresDriver];
  const here = new SqlStore(hereDriver);
  await here.migrate();
  return {
    here,
    elsewhere: new SqlStore(elsewhereDriver),
    hereDriver,
    raw,
    async close() {
      await raw.dropSchema(schema);
      for (const driver of drivers) await driver.close();
    },
  };
}

const backends: [string, () => Promise<Instances>][] = [['SQLite', sqliteInstances], ...(pg.available ? [['PostgreSQL', postgresInstances] as [string, () => Promise<Instances>]] : [])];

describe.each(backends)('listMessages read after read (%s)', (_name, open) => {
  let instances: Instances;
  beforeEach(async () => {
    instances = await open();
  });
  afterEach(async () => {
    await instances.close();
  });

  /** The conversation's message ids as a full read in order gives them. */
  const stored = async (conversationId: string): Promise<string[]> =>
    (await instances.raw.query('SELECT id FROM messages WHERE conversation_id = $1 ORDER BY seq', [conversationId])).map((row) => String(row.id));
  const listed = async (conversationId: string): Promise<string[]> => (await instances.here.listMessages(conversationId)).map((m) => m.id);

  it('asks only for the messages after those it read before', async () => {
    const { here, elsewhere, hereDriver } = instances;
    const conversation = await here.createConversation({ userId: 'u-1', channel: 'test' });
    for (const text of ['hello', 'where is my order?']) await here.appendMessage(message(conversation.id, text));
    expect((await here.listMessages(conversation.id)).map((m) => m.text)).toEqual(['hello', 'where is my order?']);
    await elsewhere.appendMessage(message(conversation.id, 'It ships tomorrow.', { role: 'bot' }));
    const query = jest.spyOn(hereDriver, 'query');
    const again = await here.listMessages(conversation.id);
    expect(again.map((m) => [m.role, m.text])).toEqual([
      ['customer', 'hello'],
      ['customer', 'where is my order?'],
      ['bot', 'It ships tomorrow.'],
    ]);
    expect(again[2]?.activity).toMatchObject({ text: 'It ships tomorrow.', from: { role: 'bot' } });
    expect(query.mock.calls.map(([sql]) => /seq > \$2/.test(sql))).toEqual([true]);
    expect(await listed(conversation.id)).toEqual(await stored(conversation.id));
  });

  it('lists what a full read lists after another instance appended, retention deleted, or the conversation went', async () => {
    const { here, elsewhere } = instances;
    const conversation = await here.createConversation({ userId: 'u-1', channel: 'test' });
    const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    for (let i = 0; i < 4; i++) await here.appendMessage(message(conversation.id, `message ${i}`, { timestamp: at(i) }));
    expect(await listed(conversation.id)).toEqual(await stored(conversation.id));
    await elsewhere.appendMessage(message(conversation.id, 'message 4', { timestamp: at(4) }));
    expect(await listed(conversation.id)).toEqual(await stored(conversation.id));
    // Another instance's retention deletes the two oldest, and two new messages come.
    expect(await elsewhere.deleteMessagesBefore(at(2))).toBe(2);
    await elsewhere.appendMessage(message(conversation.id, 'message 5', { timestamp: at(5) }));
    await elsewhere.appendMessage(message(conversation.id, 'message 6', { timestamp: at(6) }));
    expect((await here.listMessages(conversation.id)).map((m) => m.text)).toEqual(['message 2', 'message 3', 'message 4', 'message 5', 'message 6']);
    expect(await elsewhere.deleteConversation(conversation.id)).toBe(true);
    expect(await listed(conversation.id)).toEqual([]);
  });

  /** Moves the message `gapId` of another conversation out of the way and puts `text` of `conversationId` at its seq, as a late commit would. */
  const commitLate = async (gapId: string, conversationId: string, text: string): Promise<void> => {
    const { raw } = instances;
    const [row] = await raw.query('SELECT seq FROM messages WHERE id = $1', [gapId]);
    await raw.run('DELETE FROM messages WHERE id = $1', [gapId]);
    const late = message(conversationId, text);
    await raw.run('INSERT INTO messages (seq, id, conversation_id, role, text, channel, created_at, activity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      Number(row?.seq),
      late.id,
      conversationId,
      'customer',
      text,
      'test',
      late.timestamp,
      JSON.stringify(late),
    ]);
  };

  it('lists a message whose lower seq was committed after higher ones (PostgreSQL sequences do not follow commit order)', async () => {
    const { here } = instances;
    const conversation = await here.createConversation({ userId: 'u-1', channel: 'test' });
    const other = await here.createConversation({ userId: 'u-2', channel: 'test' });
    await here.appendMessage(message(conversation.id, 'first'));
    const gap = await here.appendMessage(message(other.id, 'elsewhere'));
    await here.appendMessage(message(conversation.id, 'third'));
    expect((await here.listMessages(conversation.id)).map((m) => m.text)).toEqual(['first', 'third']);
    await commitLate(gap.id, conversation.id, 'second');
    expect((await here.listMessages(conversation.id)).map((m) => m.text)).toEqual(['first', 'second', 'third']);
    expect(await listed(conversation.id)).toEqual(await stored(conversation.id));
  });

  it('notices a late message and a deleted one at once, though the number of messages stays the same', async () => {
    const { here, raw } = instances;
    const conversation = await here.createConversation({ userId: 'u-1', channel: 'test' });
    const other = await here.createConversation({ userId: 'u-2', channel: 'test' });
    const first = await here.appendMessage(message(conversation.id, 'first'));
    const gap = await here.appendMessage(message(other.id, 'elsewhere'));
    await here.appendMessage(message(conversation.id, 'third'));
    expect((await here.listMessages(conversation.id)).map((m) => m.text)).toEqual(['first', 'third']);
    await raw.run('DELETE FROM messages WHERE id = $1', [first.id]);
    await commitLate(gap.id, conversation.id, 'second');
    expect((await here.listMessages(conversation.id)).map((m) => m.text)).toEqual(['second', 'third']);
  });

  it('keeps at most the rows it may, forgetting the least recently read conversations first', async () => {
    const { here, hereDriver } = instances;
    const reads = new MessageReads(hereDriver, 5);
    const a = await here.createConversation({ userId: 'u-1', channel: 'test' });
    const b = await here.createConversation({ userId: 'u-1', channel: 'test' });
    const big = await here.createConversation({ userId: 'u-1', channel: 'test' });
    for (const [conversation, count] of [[a, 2], [b, 3], [big, 6]] as const) {
      for (let i = 0; i < count; i++) await here.appendMessage(message(conversation.id, `message ${i}`));
    }
    const query = jest.spyOn(hereDriver, 'query');
    const incremental = async (conversationId: string): Promise<boolean> => {
      query.mockClear();
      const rows = await reads.rows(conversationId);
      expect(rows.map((row) => String(row.id))).toEqual(await stored(conversationId));
      return query.mock.calls.every(([sql]) => /seq > \$2/.test(sql));
    };
    expect(await incremental(a.id)).toBe(false);
    expect(await incremental(b.id)).toBe(false);
    expect(await incremental(a.id)).toBe(true);
    // Six rows are more than may be kept: never kept, and nothing else is forgotten for them.
    expect(await incremental(big.id)).toBe(false);
    expect(await incremental(big.id)).toBe(false);
    expect(await incremental(b.id)).toBe(true);
    // One more row of b: six kept, over five, so a (read least recently) is forgotten.
    await here.appendMessage(message(b.id, 'message 3'));
    expect(await incremental(b.id)).toBe(true);
    expect(await incremental(a.id)).toBe(false);
  });
});
