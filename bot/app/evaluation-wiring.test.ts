import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import Database from 'better-sqlite3';
import { converse } from '../../evaluations/index.js';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { waitFor } from '../core/testing/wait.js';
import { createParley } from './parley.js';
import { startServer } from './server.js';

describe('evaluation wiring', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-eval-wiring-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('scores with the LLM judge under PARLEY_EVAL_JUDGE=llm, storing its prompt and verdict', async () => {
    const verdict = JSON.stringify({ answers: [], handoffAppropriate: false, summary: 'the customer wanted a person sooner' });
    const judgeModel = new FakeListChatModel({ responses: [verdict] });
    const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_EVAL_JUDGE: 'llm' }), { logger: silentLogger, judgeModel });
    try {
      const id = await converse(parley.bot, parley.store, 'webchat', ['I want to talk to a person']);
      const score = await parley.scorer.score((await parley.store.getConversation(id))!);
      expect(score).toMatchObject({ judge: 'llm', flags: ['inappropriate handoff'], metrics: { handoffAppropriate: false } });
      expect((await parley.store.evaluations.getScore(id))?.details.judge).toMatchObject({ response: verdict, prompt: expect.stringContaining('HANDOFF reason=customer_request') });
    } finally {
      await parley.close();
    }
  });

  it('refuses PARLEY_EVAL_JUDGE=llm without a chat model', async () => {
    await expect(createParley(loadConfig({ PARLEY_HOME: home, PARLEY_EVAL_JUDGE: 'llm', PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger })).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('PARLEY_EVAL_JUDGE=llm needs a chat model'),
    });
  });
});

describe('scoring soon after an answer', () => {
  it('scores a served conversation seconds after its first bot reply, with no maintenance pass in between', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-score-soon-'));
    const parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    const server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    try {
      // The server's first maintenance pass runs at start (and would score what is due); the answer comes after it.
      const db = new Database(join(home, 'parley.db'), { readonly: true });
      const done = (queue: string) => (db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE queue = ? AND status = 'done'").get(queue) as { n: number }).n;
      await waitFor(() => done('maintenance') === 1, 20_000, 'the first maintenance pass');
      const response = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'shopper-1', text: 'how long do refunds take?' }) });
      const { conversationId } = (await response.json()) as { conversationId: string };
      expect((await parley.store.getConversation(conversationId))?.status).not.toBe('closed');
      const score = await waitFor(() => parley.store.evaluations.getScore(conversationId), 15_000, 'the score of the answered conversation');
      expect(score.metrics.answers).toBe(1);
      expect(score.metrics.groundedness).toBeGreaterThan(0.5);
      // Scored by the pass the answer asked for, not by maintenance.
      expect([done('evaluations.score'), done('maintenance')]).toEqual([1, 1]);
      db.close();
    } finally {
      await server.close();
      await parley.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
