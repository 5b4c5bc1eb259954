import type { Activity } from '../../bot/core/index.js';
import type { TurnAssessment } from '../../dialogs/index.js';
import type { Hit } from '../../knowledge/index.js';
import { decidedByOf, stagesOf } from './stages.js';

const reply = (action: 'answer' | 'clarify' | 'handoff', reason?: string): Activity => ({
  id: 'a', type: 'message', channel: 'bench', conversationId: 'c', from: { id: 'bot', role: 'bot' }, text: 'x', timestamp: '2026-01-01T00:00:00Z', action,
  ...(reason ? { handoff: { reason } } : {}),
});
const assessment = (extra: Partial<TurnAssessment> = {}): TurnAssessment => ({ failed: false, failures: 0, complaintOnly: false, vip: false, frustration: 0, frustrated: false, ...extra });
const hit = { ticket: { id: 't1', question: 'q', answer: 'a' }, score: 1 } as unknown as Hit;
const retrieval = { hits: [hit], confidence: 0.5, outOfScope: false };

describe('decidedByOf', () => {
  it('names the handoff trigger that fired before retrieval', () => {
    expect(decidedByOf({ assessment: assessment({ trigger: { reason: 'sensitive_topic', details: {} } }) }, reply('handoff', 'sensitive_topic'))).toBe('trigger:sensitive_topic');
  });

  it('names a complaint without a question and a router step that answered before retrieval', () => {
    expect(decidedByOf({ assessment: assessment({ complaintOnly: true }) }, reply('clarify'))).toBe('complaint');
    expect(decidedByOf({ assessment: assessment() }, reply('clarify'))).toBe('step:clarify');
    expect(decidedByOf({ assessment: assessment() }, reply('handoff', 'language'))).toBe('step:handoff:language');
  });

  it('tells a retrieval decision that stood from one changed after retrieval', () => {
    expect(decidedByOf({ assessment: assessment(), retrieval, decision: { action: 'clarify', options: [hit], confidence: 0.5 } }, reply('clarify'))).toBe('retrieval:clarify');
    expect(decidedByOf({ assessment: assessment(), retrieval, decision: { action: 'answer', hit, confidence: 0.9 } }, reply('handoff', 'ungrounded'))).toBe('after:handoff:ungrounded');
  });
});

describe('stagesOf', () => {
  it('counts questions and retrieval-right ones per stage, most frequent first', () => {
    const stages = stagesOf([
      { decidedBy: 'trigger:frustration', retrievalRight: true },
      { decidedBy: 'retrieval:clarify', retrievalRight: true },
      { decidedBy: 'retrieval:clarify', retrievalRight: false },
    ]);
    expect(Object.keys(stages)).toEqual(['retrieval:clarify', 'trigger:frustration']);
    expect(stages).toEqual({ 'retrieval:clarify': { n: 2, retrievalRight: 1 }, 'trigger:frustration': { n: 1, retrievalRight: 1 } });
  });
});
