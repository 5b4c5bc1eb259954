import { isHoldingReply, parseConversations, roleOf, threadToPairs, type Turn } from './conversations.js';

const c = (text: string): Turn => ({ role: 'customer', text });
const a = (text: string): Turn => ({ role: 'agent', text });

describe('isHoldingReply', () => {
  it.each([
    'Can you DM us your order number?',
    'Hi, sorry to hear that, can you tell me more',
    'Hi Maya! Thanks for reaching out. Could you share the email on your account?',
    "Sure, I'd be happy to help with that. What's the order number?",
    'Oh no! Let me check on that for you.',
    'Please send us a photo of the label 📷',
    'Hello there. We apologize for the inconvenience — one moment please.',
    'Thanks for contacting Harbor & Pine! Which size did you order?',
  ])('holding: %s', (text) => {
    expect(isHoldingReply(text)).toBe(true);
  });

  it.each([
    'Your refund of $42.10 was issued today and shows up in 3-5 business days.',
    'Hi Sam, sorry about that. Your parcel is at the Leeds depot and will be delivered tomorrow.',
    'Have you tried holding the power button for 10 seconds?',
    'Thanks! Sizes run small, so we recommend one size up.',
    `Can you send the order number? ${'Meanwhile here is our returns policy in detail. '.repeat(10)}`,
  ])('answer: %s', (text) => {
    expect(isHoldingReply(text)).toBe(false);
  });
});

describe('threadToPairs', () => {
  it('merges consecutive turns and folds a holding reply into the next exchange', () => {
    const turns: Turn[] = [
      a('Welcome to Harbor & Pine chat!'),
      c('Hi'),
      c('My order never arrived'),
      a('Sorry to hear that!'),
      a('Can you DM us your order number?'),
      { role: 'other', text: 'Agent Priya joined' },
      c('It is HP-88120'),
      a('Thanks. HP-88120 was returned to us by the carrier.'),
      a('I have reshipped it with express delivery at no cost.'),
      c('Great, and can I change the address?'),
      a('Yes, the new address is saved for the reshipment.'),
      c('Thanks!'),
    ];
    expect(threadToPairs(turns)).toEqual([
      {
        question: 'Hi\nMy order never arrived\nIt is HP-88120',
        answer: 'Thanks. HP-88120 was returned to us by the carrier.\nI have reshipped it with express delivery at no cost.',
        turn: 1,
      },
      { question: 'Great, and can I change the address?', answer: 'Yes, the new address is saved for the reshipment.', turn: 9 },
    ]);
  });

  it('emits nothing for a thread ending on a holding reply or an unanswered question', () => {
    expect(threadToPairs([c('Is the coat waterproof?'), a('Hi, sorry, can you tell me which coat?')])).toEqual([]);
    expect(threadToPairs([c('Is the coat waterproof?')])).toEqual([]);
    expect(threadToPairs([])).toEqual([]);
  });
});

describe('roleOf', () => {
  it('maps common speaker labels', () => {
    expect(['Customer', 'user', 'human', 'agent', 'assistant', 'gpt', 'system', 'robot'].map(roleOf)).toEqual(['customer', 'customer', 'customer', 'agent', 'agent', 'agent', 'other', undefined]);
  });
});

describe('parseConversations', () => {
  const conversation = {
    id: 'chat-301',
    channel: 'webchat',
    locale: 'en-GB',
    messages: [
      { role: 'user', content: 'Do you price match?' },
      { role: 'assistant', content: [{ type: 'text', text: 'We match any UK retailer within 14 days of purchase.' }] },
      { role: 'system', content: 'csat requested' },
      { role: 'user', content: 'Even for sale items?' },
      { role: 'assistant', content: 'Sale items are excluded from price matching.' },
    ],
  };

  it('reads a JSON array into pairs with conversation metadata and turn index', () => {
    const tickets = parseConversations(JSON.stringify([conversation]), { source: 'chats' });
    expect(tickets).toEqual([
      { id: 'chat-301#1', question: 'Do you price match?', answer: 'We match any UK retailer within 14 days of purchase.', source: 'chats', metadata: { channel: 'webchat', locale: 'en-GB', conversation_id: 'chat-301', turn: 0 } },
      { id: 'chat-301#2', question: 'Even for sale items?', answer: 'Sale items are excluded from price matching.', source: 'chats', metadata: { channel: 'webchat', locale: 'en-GB', conversation_id: 'chat-301', turn: 3 } },
    ]);
  });

  it('reads JSONL with speaker/text and from/body aliases, and derives a stable id when none is given', () => {
    const content = [
      JSON.stringify({ id: 7, turns: [{ speaker: 'customer', text: 'Can I return worn shoes?' }, { speaker: 'agent', text: 'Only unworn shoes can be returned.' }] }),
      '',
      JSON.stringify({ turns: [{ from: 'visitor', body: 'Do you ship to Norway?' }, { from: 'operator', body: 'Yes, in 4 days.' }] }),
    ].join('\n');
    const first = parseConversations(content, { source: 's' });
    expect(first.map((t) => t.id)).toEqual(['7#1', expect.stringMatching(/^c_[0-9a-f]{16}#1$/)]);
    expect(parseConversations(content, { source: 's' })[1]?.id).toBe(first[1]?.id);
    expect(parseConversations(JSON.stringify({ conversations: [conversation] }), { source: 's' })).toHaveLength(2);
  });

  it.each([
    ['[{"id": 1, "turns": []}, {oops', /chats.json: not valid JSON/],
    ['{"id": 1, "turns": []}\n{oops', /chats.json line 2: not valid JSON/],
    ['[42]', /conversation 1: expected a conversation object/],
    ['[{"id": 1, "text": "hi"}]', /conversation 1: missing field "turns"/],
    ['[{"id": 1, "turns": ["hi"]}]', /conversation 1 turns\[0\]: expected a turn object/],
    ['[{"id": 1, "turns": [{"text": "hi"}]}]', /turns\[0\]: missing field "role"/],
    ['[{"id": 1, "turns": [{"role": "user", "text": "a"}, {"role": "robot", "text": "b"}]}]', /turns\[1\]: unknown role "robot"/],
    ['[{"id": 1, "messages": [{"role": "user"}]}]', /messages\[0\]: missing field "text"/],
    ['[{"id": 1, "messages": [{"role": "user", "content": 5}]}]', /messages\[0\]: field "content" must be a string/],
  ])('rejects %s with a message naming the place', (content, message) => {
    expect(() => parseConversations(content, { source: 's', origin: 'chats.json' })).toThrow(message);
  });
});
