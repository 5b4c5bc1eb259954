import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyLlama } from '../../knowledge/generation/local/testing/index.js';
import { loadConfig } from '../config/index.js';
import { newId, packageFile, silentLogger, type Activity } from '../core/index.js';
import { createParley, type Parley } from './parley.js';

const installed = existsSync(packageFile('node_modules', 'node-llama-cpp', 'package.json'));
if (!installed) console.warn('node-llama-cpp (optional dependency) is not installed: skipping the local model wiring test');
const withPackage = installed ? describe : describe.skip;

withPackage('PARLEY_LOCAL_MODEL wired into the server', () => {
  let home: string;
  let parley: Parley;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-local-'));
    // The prompt carries tickets and history: a context the size of a real model's, as byte-level tokens add up.
    await writeTinyLlama(join(home, 'tiny.gguf'), { contextLength: 8192 });
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_LOCAL_MODEL: join(home, 'tiny.gguf'), PARLEY_CHAT_TIMEOUT_MS: '110000' }), { logger: silentLogger });
  }, 60_000);
  afterAll(async () => {
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  it('asks the local model, accounts its tokens, and still answers from the tickets (random weights never cite)', async () => {
    const sent: Activity[] = [];
    const conversationId = (await parley.store.createConversation({ userId: 'u1', channel: 'rest' })).id;
    await parley.bot.processActivity(
      { id: newId('act'), type: 'message', channel: 'rest', conversationId, from: { id: 'u1', role: 'customer' }, text: 'how long do refunds take?', timestamp: new Date().toISOString() },
      { send: async (a) => void sent.push(a) },
    );
    const usage = (await parley.store.getConversation(conversationId))!.metadata.usage as { calls: number; promptTokens: number; model?: string } | undefined;
    expect(usage?.calls).toBeGreaterThanOrEqual(1);
    expect(usage?.promptTokens).toBeGreaterThan(0);
    expect(sent.at(-1)!.text).toBeTruthy();
  }, 120_000);
});
