import { describe, expect, it } from '@jest/globals';
import type { TicketRecord } from '../../bot/core/index.js';
import { answerPrint, groupAnswers } from './group.js';
import { reconcileClusters } from './reconcile.js';

const ticket = (id: string, question: string, answer: string, metadata: Record<string, unknown> = {}): TicketRecord => ({ id, question, answer, source: 'test', metadata });

/** A small fixture: two answers link one article, two say the same thing in other words' clothing, two differ. */
const FIXTURE: TicketRecord[] = [
  ticket('a1', 'my channel was suspended', '@jane_doe Thanks for the tag – if you believe it was in error, you can appeal here: https://support.example.com/youtube/answer/185111 ^SA'),
  ticket('a2', 'account terminated unfairly', 'Hi Marc! Sorry to hear that. You can appeal the decision: https://www.support.example.com/youtube/answer/185111?hl=en *MS'),
  ticket('b1', 'how do I reset my password', 'Hi Anna, go to Settings > Account > Reset password, then follow the link we e-mail you. Thanks, Tom'),
  ticket('b2', 'forgot password', 'Hello Priya! Go to Settings > Account > Reset password, then follow the link we e-mail you. Cheers, Lisa'),
  ticket('c1', 'do you ship to Canada', 'We do not ship to Canada at the moment, sorry about that.'),
  ticket('d1', 'refund time', 'Refunds reach your card within 5 to 7 business days after we receive the return.'),
  ticket('m1', 'cancel my plan', 'Sure thing, I cancelled it for you.', { macro: 'cancel-plan' }),
  ticket('m2', 'stop subscription', 'Of course. Your plan ends this month.', { macro: 'cancel-plan' }),
];

describe('answer grouping', () => {
  it('puts answers linking the same article together, whatever else they say', async () => {
    const groups = await groupAnswers(FIXTURE);
    const withA1 = groups.find((g) => g.ticketIds.includes('a1'));
    expect(withA1?.ticketIds).toEqual(['a1', 'a2']);
    expect(withA1?.key).toBe('link:support.example.com/youtube/answer/185111');
  });

  it('puts near-identical answers together once greetings, names and signatures are gone', async () => {
    const groups = await groupAnswers(FIXTURE);
    expect(groups.find((g) => g.ticketIds.includes('b1'))?.ticketIds).toEqual(['b1', 'b2']);
    expect(groups.find((g) => g.ticketIds.includes('m1'))?.ticketIds).toEqual(['m1', 'm2']);
  });

  it('keeps different answers apart', async () => {
    const groups = await groupAnswers(FIXTURE);
    expect(groups.find((g) => g.ticketIds.includes('c1'))?.ticketIds).toEqual(['c1']);
    expect(groups.find((g) => g.ticketIds.includes('d1'))?.ticketIds).toEqual(['d1']);
    expect(groups).toHaveLength(5);
  });

  it('gives each group a canonical answer without the past customers and agents', async () => {
    const groups = await groupAnswers(FIXTURE);
    const reset = groups.find((g) => g.ticketIds.includes('b1'));
    expect(reset?.canonical.text).toMatch(/^Go to Settings > Account > Reset password/);
    for (const group of groups) expect(group.canonical.text).not.toMatch(/Anna|Priya|Tom|Lisa|Marc|jane_doe|\^SA|\*MS/);
  });

  it('does not tie answers through a bare host name', () => {
    expect(answerPrint(ticket('x', 'q', 'See https://example.com for more.')).keys).toEqual([]);
  });
});

describe('reconciling recomputed clusters with reviews', () => {
  it('keeps the id, approved text and name of a cluster when a member joins, and keeps reviewer placements', async () => {
    let n = 0;
    const newId = () => `clu_${++n}`;
    const printsOf = (tickets: TicketRecord[]) => new Map(tickets.map((t) => [t.id, answerPrint(t)]));
    const first = reconcileClusters({ scope: null, previous: { clusters: [], members: [] }, groups: await groupAnswers(FIXTURE), prints: printsOf(FIXTURE), now: 't0', newId });
    const reset = first.clusters.find((c) => first.members.some((m) => m.ticketId === 'b1' && m.clusterId === c.id));
    if (!reset) throw new Error('no cluster for b1');
    const approved = first.clusters.map((c) => (c.id === reset.id ? { ...c, status: 'approved' as const, reviewedText: 'Reset it under Settings.', name: 'Password reset', namedBy: 'lead@example.com' } : c));
    // A reviewer split c1 off into its own cluster earlier, and moved d1 into it.
    const canada = first.members.find((m) => m.ticketId === 'c1')?.clusterId as string;
    const members = first.members.map((m) => (m.ticketId === 'd1' ? { ...m, clusterId: canada, pinned: true } : m));
    const more = [...FIXTURE, ticket('b3', 'password reset link', 'Hey Sam, go to Settings > Account > Reset password, then follow the link we e-mail you. ^JD')];
    const next = reconcileClusters({ scope: null, previous: { clusters: approved, members }, groups: await groupAnswers(more), prints: printsOf(more), now: 't1', newId });
    const kept = next.clusters.find((c) => c.id === reset.id);
    expect(kept).toMatchObject({ status: 'approved', reviewedText: 'Reset it under Settings.', name: 'Password reset', size: 3 });
    expect(next.members.find((m) => m.ticketId === 'b3')?.clusterId).toBe(reset.id);
    expect(next.members.find((m) => m.ticketId === 'd1')).toEqual({ ticketId: 'd1', clusterId: canada, pinned: true });
    expect(next.clusters.some((c) => c.id !== canada && next.members.filter((m) => m.clusterId === c.id).map((m) => m.ticketId).join() === 'd1')).toBe(false);
  });
});
