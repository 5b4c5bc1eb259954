import type { EscalationCard } from '../../../dialogs/index.js';
import { correctionView, decodeTarget, DESK_ACTIONS, encodeTarget, escalationBlocks } from './blocks.js';

type Block = Record<string, unknown>;
const plain = (blocks: unknown): Block[] => blocks as Block[];

function card(overrides: Partial<EscalationCard> = {}, status: 'waiting' | 'claimed' | 'resolved' = 'waiting'): EscalationCard {
  const handoff = {
    id: 'hof_1',
    conversationId: 'conv_1',
    status,
    reason: 'frustration',
    escalatedAt: '2026-03-03T10:00:00.000Z',
    desk: null,
    deskThread: null,
    claimedBy: status === 'waiting' ? null : 'U0AGENT0001',
    claimedByName: 'Alex',
    claimedAt: null,
    reminders: 0,
    lastReminderAt: null,
    followUp: null,
    ticket: null,
    closedAt: null,
    updatedAt: '2026-03-03T10:00:00.000Z',
  };
  return {
    handoff,
    conversation: { id: 'conv_1', userId: 'jo@example.com', channel: 'email', status: 'needs_human', handoffReason: 'frustration', metadata: {}, createdAt: '', updatedAt: '' },
    customer: { id: 'jo@example.com', email: 'jo@example.com' },
    channel: 'email',
    reason: 'frustration',
    summary: 'Customer asked: “<script>&”.',
    lastMessages: [
      { messageId: 'act_q', role: 'customer', text: 'where is my parcel?', createdAt: '' },
      { messageId: 'act_a', role: 'bot', text: 'It ships in 2 days.', createdAt: '', ticketId: 'NWT-1', action: 'answer' },
      { messageId: 'act_h', role: 'bot', text: 'Passing you to a person.', createdAt: '', action: 'handoff' },
    ],
    suggestion: { question: 'where is my parcel?', text: 'It ships in 2 days.', sources: [{ id: 'NWT-1', score: 0.8, metadata: { question: 'Where is my order?' } }], confidence: 0.81 },
    outOfHours: true,
    ...overrides,
  };
}

describe('escalation card', () => {
  it('shows who, where, why, the summary, the transcript with Correct buttons on answers, the suggestion and the actions', () => {
    const { text, blocks } = escalationBlocks(card());
    const json = JSON.stringify(blocks);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Escalation: the customer sounds frustrated' } });
    expect(json).toContain('jo@example.com');
    expect(json).toContain('*Channel*\\nemail');
    expect(json).toContain('Waiting for an agent');
    expect(json).toContain('&lt;script&gt;&amp;');
    expect(json).toContain('Outside business hours');
    expect(json).toContain('Source: NWT-1 — Where is my order?');
    expect(json).toContain('confidence 0.81');
    const correct = plain(blocks).filter((b) => (b.accessory as { action_id?: string } | undefined)?.action_id?.startsWith(DESK_ACTIONS.correct));
    expect(correct.map((b) => (b.accessory as { action_id: string }).action_id)).toEqual([`${DESK_ACTIONS.correct}_act_a`, `${DESK_ACTIONS.correct}_suggestion`]);
    expect(decodeTarget((correct[0]!.accessory as { value: string }).value)).toEqual({ handoffId: 'hof_1', conversationId: 'conv_1', messageId: 'act_a' });
    expect(decodeTarget((correct[1]!.accessory as { value: string }).value)).toEqual({ handoffId: 'hof_1', conversationId: 'conv_1', messageId: null });
    const actions = plain(blocks).find((b) => b.type === 'actions') as { block_id: string; elements: { action_id: string; value: string; style?: string }[] };
    expect(actions.elements.map((e) => [e.action_id, e.value, e.style])).toEqual([
      [DESK_ACTIONS.claim, 'hof_1', 'primary'],
      [DESK_ACTIONS.resolve, 'hof_1', undefined],
      [DESK_ACTIONS.return, 'hof_1', undefined],
    ]);
    expect(text).toMatch(/^Escalation \(the customer sounds frustrated\) from jo@example.com on email/);
  });

  it('drops Claim once claimed and every action once finished, naming the claimer', () => {
    const claimed = plain(escalationBlocks(card({}, 'claimed')).blocks);
    expect(JSON.stringify(claimed)).toContain('Claimed by <@U0AGENT0001>');
    expect((claimed.find((b) => b.type === 'actions') as { elements: { action_id: string }[] }).elements.map((e) => e.action_id)).toEqual([DESK_ACTIONS.resolve, DESK_ACTIONS.return]);
    const resolved = plain(escalationBlocks(card({}, 'resolved')).blocks);
    expect(resolved.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(resolved)).toContain('Resolved');
  });

  it("stays within Slack's limits for long transcripts and texts", () => {
    const long = 'x'.repeat(5000);
    const { blocks } = escalationBlocks(card({ summary: long, lastMessages: Array.from({ length: 60 }, (_, i) => ({ messageId: `act_${i}`, role: 'bot', text: long, createdAt: '', action: 'answer' })) }));
    expect(blocks.length).toBe(50);
    expect(plain(blocks).at(-1)?.type).toBe('actions');
    expect(JSON.stringify(blocks)).toContain('act_59');
    for (const block of plain(blocks)) {
      const text = (block.text as { text?: string } | undefined)?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(3000);
      const value = (block.accessory as { value?: string } | undefined)?.value ?? '';
      expect(value.length).toBeLessThanOrEqual(2000);
    }
  });
});

describe('correction modal', () => {
  it('carries its target in private_metadata and prefills the answer', () => {
    const view = correctionView({ target: { handoffId: 'hof_1', conversationId: 'conv_1', messageId: 'act_a' }, question: 'where?', original: 'There.', ticketId: 'NWT-1' });
    expect(view).toMatchObject({ type: 'modal', callback_id: 'parley_correction', title: { text: 'Correct the answer' } });
    expect(decodeTarget(view.private_metadata)).toEqual({ handoffId: 'hof_1', conversationId: 'conv_1', messageId: 'act_a' });
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"There."');
    expect(decodeTarget('not json')).toBeUndefined();
    expect(decodeTarget(encodeTarget({ handoffId: null, conversationId: null, messageId: null }))).toEqual({ handoffId: null, conversationId: null, messageId: null });
  });
});
