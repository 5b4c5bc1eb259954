import { HANDOFF_REASONS } from '../bot/core/index.js';
import { handoffReply, optionLabel, retryReply } from './replies.js';

describe('handoffReply', () => {
  it('says what happens next for every reason, specifically and kindly', () => {
    for (const reason of HANDOFF_REASONS) {
      const reply = handoffReply(reason);
      expect(reply).toMatchObject({ action: 'handoff', handoff: { reason }, sources: [] });
      expect(reply.text).toMatch(/reply right here/);
      expect(reply.text.length).toBeLessThan(400);
    }
    expect(handoffReply('frustration').text).toMatch(/^I'm really sorry/);
    expect(handoffReply('repeated_failure').text).toMatch(/^I'm sorry I haven't been able to answer/);
  });

  it('names the sensitive topic, the refund amount, and puts safety first', () => {
    expect(handoffReply('sensitive_topic', { topic: 'refund', amount: '£450' }).text).toMatch(/^A refund of £450 is reviewed by a person/);
    expect(handoffReply('sensitive_topic', { topic: 'refund' }).text).toMatch(/^This is something a person from our team should look at/);
    expect(handoffReply('sensitive_topic', { topic: 'legal' }).text).toMatch(/A matter like this needs a person/);
    expect(handoffReply('sensitive_topic', { topic: 'safety' }).text).toMatch(/emergency services/);
  });

  it('apologises first to a frustrated customer, once', () => {
    expect(handoffReply('customer_request', { apologize: true }).text).toMatch(/^I'm sorry for the trouble\. Of course/);
    expect(handoffReply('frustration', { apologize: true }).text).not.toMatch(/sorry for the trouble/);
    expect(handoffReply('sensitive_topic', { topic: 'safety', apologize: true }).text).toMatch(/^I'm so sorry to hear that/);
  });

  it('asks a customer whose answer did not help to say more, with a way to a person', () => {
    expect(retryReply()).toMatchObject({ action: 'clarify', quickReplies: ['Talk to a person'] });
  });
});

describe('optionLabel', () => {
  const hit = (question: string, answer = 'We can help with that.') => ({ ticket: { id: 't', question, answer, source: 'test', metadata: {} }, score: 0.5 });

  it('leaves out the past customer’s handles, links, redacted values and slots', () => {
    expect(optionLabel(hit('@AppleSupport my [NAME] order #[ORDER_ID] never came https://t.co/abc'))).toBe('my order never came');
    expect(optionLabel(hit('Hi, I am [NAME] ([EMAIL]). Where is invoice {{Invoice Number}}?'))).toBe('Hi, I am. Where is invoice?');
    expect(optionLabel(hit('How do I return a sweater?'))).toBe('How do I return a sweater?');
  });

  it('says what the answer is about when nothing of the question is left, and stays short', () => {
    expect(optionLabel(hit('@Brand [NAME]', 'Refunds take 5-7 days. Write to us anytime.'))).toBe('Refunds take 5-7 days.');
    const long = optionLabel(hit('Can you tell me how long it takes for a parcel to arrive in Canada when I order before noon on a weekday?'));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('…')).toBe(true);
  });
});
