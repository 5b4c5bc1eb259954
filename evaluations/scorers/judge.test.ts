import { FakeListChatModel } from '@langchain/core/utils/testing';
import type { TicketRecord } from '../../bot/core/index.js';
import { judgeConversation } from './judge.js';
import { scoreConversationOffline } from './score.js';
import { TranscriptBuilder } from './transcript-builder.js';

const TICKET: TicketRecord = { id: 'T-9', question: 'Do you ship to Canada?', answer: 'Yes, we ship to Canada; delivery takes 5–8 business days.', source: 'sample', metadata: {} };

function conversation() {
  return new TranscriptBuilder()
    .customer('do you ship to canada?')
    .bot({ text: TICKET.answer, sources: [{ id: 'T-9', score: 0.9, metadata: {} }], confidence: 0.9 })
    .build([TICKET]);
}

describe('LLM-as-judge', () => {
  it('uses the verdict of the chat model and stores its prompt, reply and evidence', async () => {
    const input = conversation();
    const offline = scoreConversationOffline(input);
    const reply = 'Here is my review:\n```json\n{"answers":[{"id":"m2","grounded":0.2,"relevant":0.9,"reason":"delivery time not in sources"}],"handoffAppropriate":true,"summary":"ok"}\n```';
    const result = await judgeConversation(new FakeListChatModel({ responses: [reply] }), input, offline);
    expect(result.judge).toBe('llm');
    expect(result.metrics).toMatchObject({ groundedness: 0.2, relevance: 0.9, handoffAppropriate: true });
    expect(result.flags).toContain('ungrounded answer');
    expect(offline.flags).not.toContain('ungrounded answer');
    const judge = result.details.judge as { prompt: string; response: string; verdict: unknown };
    expect(judge.prompt).toContain('ANSWER id=m2');
    expect(judge.prompt).toContain('SOURCES:');
    expect(judge.prompt).toContain('delivery takes 5–8 business days');
    expect(judge.response).toBe(reply);
    expect(judge.verdict).toMatchObject({ answers: [{ id: 'm2', grounded: 0.2 }] });
    expect(result.score).toBeLessThan(offline.score);
  });

  it('keeps the offline scores and records the error when the reply is not a verdict', async () => {
    const input = conversation();
    const offline = scoreConversationOffline(input);
    const result = await judgeConversation(new FakeListChatModel({ responses: ['I think it was fine.'] }), input, offline);
    expect(result).toMatchObject({ judge: 'offline', score: offline.score, flags: offline.flags });
    expect((result.details.judge as { error: string }).error).toMatch(/no JSON/);
  });
});
