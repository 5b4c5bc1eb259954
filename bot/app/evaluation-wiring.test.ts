import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { converse } from '../../evaluations/index.js';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { createParley } from './parley.js';

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
