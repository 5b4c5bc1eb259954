import { contactQuestion, contactReply } from './contact-facts.js';

const profile = { help: 'I can help with orders, returns and sizing.', topics: ['Where is my order?', 'Talk to a person'] };

describe('questions for the shop’s hours, phone and e-mail', () => {
  it('reads what a message asks about reaching the shop', () => {
    expect(contactQuestion('What are your customer service hours?')).toEqual(['hours']);
    expect(contactQuestion('when is customer service open?')).toEqual(['hours']);
    expect(contactQuestion("What's your phone number?")).toEqual(['phone']);
    expect(contactQuestion('Is there a phone number I can call?')).toEqual(['phone']);
    expect(contactQuestion('can I call you?')).toEqual(['phone']);
    expect(contactQuestion("What's your email address?")).toEqual(['email']);
    expect(contactQuestion('how can I email you')).toEqual(['email']);
    expect(contactQuestion('What are your opening hours and your phone number?')).toEqual(['hours', 'phone']);
  });

  it('leaves the customer’s own details and other questions to retrieval', () => {
    const others = [
      'How do I change the email address on my account?', 'I never got a tracking number', 'Did you get my email?', 'I never got your email confirmation',
      'the phone number on my account is wrong', 'Can you call me?', 'Does the jacket have a phone pocket?', 'When will my order arrive?', 'update my phone number',
      'What are your hours? Also my order NW-1234 arrived damaged and the zipper is broken, what can I do about it?',
    ];
    for (const text of others) expect([text, contactQuestion(text)]).toEqual([text, []]);
  });

  it('answers from the facts that are set, family names included', () => {
    const facts = { hours: 'Mon–Fri 9–17 CET', customer_support_phone_number: '+44 20 7946 0000', email: 'help@northwind.example' };
    expect(contactReply(['hours'], facts, profile)).toEqual({ text: 'Our customer service hours are Mon–Fri 9–17 CET.', action: 'answer', sources: [] });
    expect(contactReply(['phone', 'email'], facts, profile).text).toBe('You can call us on +44 20 7946 0000 during Mon–Fri 9–17 CET. You can e-mail us at help@northwind.example.');
    expect(contactReply(['phone'], { phone: '+44 20 7946 0000' }, profile).text).toBe('You can call us on +44 20 7946 0000.');
  });

  it('says what it can do when a detail is not set', () => {
    expect(contactReply(['phone'], { hours: 'Mon–Fri 9–17 CET' }, profile)).toEqual({
      text: "I don't have a phone number to give you here. I can help with orders, returns and sizing. I can also pass you to a person from our team.",
      action: 'clarify',
      sources: [],
      quickReplies: ['Where is my order?', 'Talk to a person'],
    });
    expect(contactReply(['hours', 'email'], { hours: '9–17' }, profile).text).toMatch(/^Our customer service hours are 9–17\. I don't have an e-mail address to give you here\./);
  });
});
