import { HANDOFF_REASONS } from '../bot/core/index.js';
import { handoffReply, retryReply } from './replies.js';

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
