import type { Hit } from '../../knowledge/index.js';
import type { Decision } from '../policy.js';
import { assessDecision, assessTurn, DEFAULT_HANDOFF_OPTIONS, type PreviousTurn } from './policy.js';
import { isVip } from './vip.js';

const customer = { userId: 'u1', metadata: {} };
const vipCustomer = { userId: 'u1', metadata: { vip: true } };
const answered: PreviousTurn = { action: 'answer', question: 'how long do refunds take?', ticketId: 'T1' };
const hit = (id: string): Hit => ({ ticket: { id, question: 'q', answer: 'a', source: 's', metadata: {} }, score: 0.9 }) as unknown as Hit;
const answer = (id: string): Decision => ({ action: 'answer', hit: hit(id), confidence: 0.9 });

describe('isVip', () => {
  it('never trusts a user id a web chat or REST client chose for itself; a signed id or a channel address counts', () => {
    const vips = ['ceo-1', 'ann@bigco.com', '@bigco.com'];
    // The finding: a widget visitor claiming userId "ceo-1" (or an e-mail of a VIP domain) was treated as the VIP.
    expect(isVip({ userId: 'ceo-1', channel: 'webchat', metadata: {} }, vips)).toBe(false);
    expect(isVip({ userId: 'ann@bigco.com', channel: 'rest', metadata: {} }, vips)).toBe(false);
    expect(isVip({ userId: 'x', channel: 'webchat', metadata: { email: 'bob@bigco.com' } }, vips)).toBe(false);
    expect(isVip({ userId: 'ceo-1', channel: 'webchat', metadata: { verifiedUserId: 'someone-else' } }, vips)).toBe(false);
    // Verified: the operator's site signed the id, or the channel vouches for the address.
    expect(isVip({ userId: 'ceo-1', channel: 'webchat', metadata: { verifiedUserId: 'ceo-1' } }, vips)).toBe(true);
    expect(isVip({ userId: 'x', channel: 'rest', metadata: { verifiedUserId: 'Zed@BigCo.com' } }, vips)).toBe(true);
    expect(isVip({ userId: 'ann@bigco.com', channel: 'email', metadata: {} }, vips)).toBe(true);
    expect(isVip({ userId: 'ceo-1', channel: 'slack', metadata: {} }, vips)).toBe(true);
  });

  it('reads the metadata flag, listed user ids and e-mail domains', () => {
    expect(isVip({ userId: 'x', metadata: { vip: true } })).toBe(true);
    expect(isVip({ userId: 'x', metadata: { vip: false } })).toBe(false);
    expect(isVip({ userId: 'cust-42', metadata: {} }, ['cust-7', 'cust-42'])).toBe(true);
    expect(isVip({ userId: 'Ann@BigCo.com', metadata: {} }, ['@bigco.com'])).toBe(true);
    expect(isVip({ userId: 'web-1', metadata: { email: 'bob@eu.bigco.com' } }, ['@bigco.com'])).toBe(true);
    expect(isVip({ userId: 'eve@notbigco.com', metadata: {} }, ['@bigco.com'])).toBe(false);
    expect(isVip({ userId: 'cust-4', metadata: {} }, ['cust-42', ' ', '@bigco.com'])).toBe(false);
    expect(isVip({ userId: 'ann@bigco.com', metadata: {} }, ['ANN@bigco.com'])).toBe(true);
  });
});

describe('assessTurn precedence', () => {
  const assess = (text: string, extra: Partial<Parameters<typeof assessTurn>[0]> = {}) => assessTurn({ text, conversation: customer, failures: 0, ...extra });

  it('puts safety and legal before everything, even an angry request for a person', () => {
    expect(assess('get me a human NOW, your heater caught fire, this is ridiculous!!!').trigger).toMatchObject({ reason: 'sensitive_topic', details: { topic: 'safety' } });
    expect(assess('I want to talk to a person, I am calling my lawyer').trigger).toMatchObject({ reason: 'sensitive_topic', details: { topic: 'legal' } });
  });

  it('then an explicit request, then VIP, then frustration, then repeated failure', () => {
    expect(assess('this is ridiculous, let me talk to a person').trigger?.reason).toBe('customer_request');
    expect(assessTurn({ text: 'this is ridiculous', conversation: vipCustomer, failures: 0 }).trigger).toMatchObject({ reason: 'vip', details: { signal: 'frustration' } });
    expect(assess('this is ridiculous, that is not what I asked', { previous: answered, failures: 1 }).trigger?.reason).toBe('frustration');
    expect(assess('that is not what I asked', { previous: answered, failures: 1 }).trigger).toMatchObject({ reason: 'repeated_failure', details: { failures: 2 } });
  });

  it('counts a complaint or a repeat only after the bot replied, and hands off at maxFailures', () => {
    expect(assess("that doesn't help")).toMatchObject({ failed: false, failures: 0 });
    const first = assess("that doesn't help", { previous: answered });
    expect(first).toMatchObject({ failed: true, failures: 1, complaintOnly: true });
    expect(first.trigger).toBeUndefined();
    expect(assess('how long do refunds take??', { previous: answered })).toMatchObject({ failed: true, failures: 1, complaintOnly: false });
    expect(assess('how long do refunds take??', { previous: answered, failures: 1 }).trigger?.reason).toBe('repeated_failure');
    expect(assessTurn({ text: 'still not working', conversation: customer, failures: 1, previous: answered }, { ...DEFAULT_HANDOFF_OPTIONS, maxFailures: 3 }).trigger).toBeUndefined();
    expect(assess('my card is still not working', { previous: { action: 'handoff' } }).failed).toBe(false);
  });

  it('hands a VIP off at the first failure', () => {
    expect(assessTurn({ text: 'you already said that', conversation: vipCustomer, failures: 0, previous: answered }).trigger).toMatchObject({ reason: 'vip', details: { signal: 'repeated_failure' } });
  });

  it('leaves ordinary questions to retrieval', () => {
    const plain = assess('how long do refunds take?');
    expect(plain).toMatchObject({ failed: false, vip: false, frustrated: false });
    expect(plain.trigger).toBeUndefined();
    expect(assess('I want my $20 back').trigger).toBeUndefined();
  });
});

describe('assessDecision', () => {
  const calm = assessTurn({ text: 'when do I get my money', conversation: customer, failures: 0, previous: answered });
  const vip = assessTurn({ text: 'when do I get my money', conversation: vipCustomer, failures: 0 });

  it('gives a VIP a person instead of a clarifying question or a low-confidence handoff, but answers confident questions', () => {
    expect(assessDecision({ action: 'clarify', options: [], confidence: 0.25 }, vip, undefined).trigger).toMatchObject({ reason: 'vip', details: { signal: 'clarify' } });
    expect(assessDecision({ action: 'handoff', reason: 'low_confidence', confidence: 0.1 }, vip, undefined).trigger).toMatchObject({ reason: 'vip' });
    expect(assessDecision(answer('T1'), vip, undefined).trigger).toBeUndefined();
  });

  it('counts answering with the same ticket again as a failure', () => {
    expect(assessDecision(answer('T2'), calm, answered)).toEqual({ failures: 0 });
    expect(assessDecision(answer('T1'), calm, answered)).toEqual({ failures: 1 });
    expect(assessDecision(answer('T1'), { ...calm, failures: 1 }, answered).trigger).toMatchObject({ reason: 'repeated_failure', details: { signal: 'same_answer' } });
  });
});
