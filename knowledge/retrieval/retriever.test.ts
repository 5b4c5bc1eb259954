import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { Retriever } from './retriever.js';

/** Five ways customers ask each of twelve intents (the last one off-topic). */
const INTENTS: Record<string, { answer: string; category: string; questions: string[] }> = {
  track_order: {
    category: 'shipping',
    answer: 'You can follow your parcel with the tracking link in your shipping confirmation email.',
    questions: [
      'where is my order',
      'how can I track my package',
      "my parcel hasn't arrived yet",
      "what's the tracking number for my shipment",
      'when will my delivery arrive',
    ],
  },
  return_item: {
    category: 'returns',
    answer: 'Print the prepaid return label from your account and drop the item at any post office within 30 days.',
    questions: [
      'how do I return an item',
      'I want to send back the shoes I bought',
      'what is your return policy',
      'can I return a product after 30 days',
      'how to get a return label',
    ],
  },
  refund_status: {
    category: 'returns',
    answer: 'Refunds reach your bank 5 to 7 business days after we receive the returned item.',
    questions: [
      'when will I get my refund',
      'refund not received yet',
      'how long do refunds take',
      'I returned my order but got no money back',
      'status of my refund',
    ],
  },
  reset_password: {
    category: 'account',
    answer: 'Use "Forgot password" on the sign-in page; the reset email can take a few minutes, check spam.',
    questions: [
      'I forgot my password',
      'how do I reset my password',
      "can't log in to my account",
      'password reset email never arrived',
      'change my login password',
    ],
  },
  cancel_order: {
    category: 'orders',
    answer: 'Orders can be cancelled from Order history until they are packed; after that, return them instead.',
    questions: [
      'cancel my order',
      'I want to cancel the purchase I just made',
      'how can I cancel an order before it ships',
      'stop my order please',
      'I ordered by mistake, cancel it',
    ],
  },
  payment_methods: {
    category: 'billing',
    answer: 'We accept Visa, Mastercard, PayPal and Apple Pay; instalments are available through Klarna.',
    questions: [
      'which payment methods do you accept',
      'can I pay with PayPal',
      'do you take Apple Pay',
      'is paying by credit card possible',
      'can I pay in instalments',
    ],
  },
  shipping_cost: {
    category: 'shipping',
    answer: 'Standard shipping costs 4.95 and is free above 50; express shipping costs 9.95.',
    questions: [
      'how much is shipping',
      'is shipping free',
      'shipping fees to Canada',
      'do you offer free shipping over 50 dollars',
      'what does express shipping cost',
    ],
  },
  change_address: {
    category: 'orders',
    answer: 'Write to us with the order number and the new address before the order is packed and we will update it.',
    questions: [
      'change my delivery address',
      'I moved, update the address on my order',
      'wrong address on my order',
      'can I send it to a different address',
      'edit the address after ordering',
    ],
  },
  size_guide: {
    category: 'products',
    answer: 'Each product page has a size chart; our jeans fit true to size and shoes run half a size large.',
    questions: [
      'what size should I buy',
      'do your jeans run small',
      'size chart for dresses',
      'how do I know my shoe size',
      'is medium the same as size 10',
    ],
  },
  discount_code: {
    category: 'billing',
    answer: 'Enter the coupon at checkout under "Discount code"; codes cannot be combined and expire after 30 days.',
    questions: [
      "my discount code doesn't work",
      'promo code invalid',
      'where do I enter a coupon',
      'is there a student discount',
      'voucher not applied at checkout',
    ],
  },
  damaged_item: {
    category: 'returns',
    answer: 'Sorry about that! Send us a photo of the damage and we will ship a replacement at no cost.',
    questions: [
      'the item arrived broken',
      'my package was damaged',
      'received a defective product',
      'the screen is cracked on arrival',
      'the box was crushed and the mug is broken',
    ],
  },
  oos: {
    category: 'other',
    answer: 'Out-of-scope example: hand off to a person.',
    questions: ["what's the weather tomorrow", 'tell me a joke', 'who won the football game last night', 'what is the capital of France', 'play some music for me'],
  },
};

/** The 60 tickets; `labels` picks what metadata they carry and whether answers are shared per intent. */
function tickets(labels: 'none' | 'intent' | 'category'): TicketRecord[] {
  let n = 0;
  return Object.entries(INTENTS).flatMap(([intent, { answer, category, questions }]) =>
    questions.map((question) => {
      n++;
      const metadata: Record<string, unknown> = { channel: n % 2 ? 'email' : 'chat', tags: n % 3 ? ['vip'] : [] };
      if (labels === 'intent') metadata.intent = intent;
      if (labels === 'category') metadata.category = category;
      return { id: `t${n}`, question, answer: labels === 'category' ? `${answer} Reference ${intent} ${n}.` : answer, source: 'test', metadata };
    }),
  );
}

const intentOf = new Map(tickets('intent').map((t) => [t.id, t.metadata.intent as string]));

const build = (records: TicketRecord[], options: { labelField?: string } = {}) =>
  Retriever.build(records, { index: new MemoryIndex(), embedder: new LsaEmbedder(), ...options });

const PARAPHRASES: [string, string][] = [
  ['has my package shipped yet, where is it', 'track_order'],
  ['I need to send back a jacket, how do I return it', 'return_item'],
  ['still waiting for my refund', 'refund_status'],
  ['forgot my password and cannot log in', 'reset_password'],
  ['please cancel the order I placed', 'cancel_order'],
  ['do you accept paypal', 'payment_methods'],
  ['how much do you charge for shipping', 'shipping_cost'],
  ['the product came broken', 'damaged_item'],
  ['the coupon code is not working', 'discount_code'],
  ['which size chart should I use for jeans', 'size_guide'],
];

describe('Retriever without labels', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    retriever = await build(tickets('none'));
  });

  it('indexes every ticket and learns no label model', () => {
    expect(retriever.size).toBe(60);
    expect(retriever.get('t1')?.question).toBe('where is my order');
    expect(retriever.get('nope')).toBeUndefined();
    expect(retriever.labelledBy).toBeUndefined();
    expect(retriever.calibrationRecords).toEqual([]);
    expect(retriever.heldOutConfidences()).toEqual([]);
  });

  it('finds the ticket asked about, in other words', async () => {
    let right = 0;
    for (const [question, intent] of PARAPHRASES) {
      const { hits } = await retriever.retrieve(question);
      if (hits[0] && intentOf.get(hits[0].ticket.id) === intent) right++;
    }
    expect(right).toBeGreaterThanOrEqual(9);
    expect((await retriever.retrieve('can i pay with paypal please')).hits[0]?.ticket.id).toBe(intentIds('payment_methods')[1]);
    expect((await retriever.retrieve('the mug was broken and the box crushed')).hits[0]?.ticket.id).toBe(intentIds('damaged_item')[4]);
  });

  it('returns the best similarity and neighbour agreement, a calibrated confidence, hits sorted, at most k', async () => {
    const exact = await retriever.retrieve('how do I reset my password', { k: 3 });
    expect(exact.hits).toHaveLength(3);
    expect(exact.hits[0]?.ticket.question).toBe('how do I reset my password');
    // Answers repeat in this corpus: leave-one-out outcomes calibrate similarity and agreement into the confidence.
    expect(exact.signals?.similarity).toBe(exact.hits[0]?.score);
    expect(exact.signals?.agreement).toBeGreaterThan(0.5);
    expect(exact.answerThreshold).toBeDefined();
    expect(exact.confidence).toBeGreaterThan(0.7);
    expect(exact.confidence).toBeLessThanOrEqual(1);
    for (let i = 1; i < exact.hits.length; i++) expect(exact.hits[i]?.score).toBeLessThanOrEqual(exact.hits[i - 1]?.score as number);
    expect(exact.label).toBeUndefined();
    expect(exact.outOfScope).toBe(false);

    const vague = await retriever.retrieve('xylophone quantum banana');
    expect(vague.confidence).toBeGreaterThanOrEqual(0);
    expect(vague.confidence).toBeLessThan(0.3);
    expect(vague.confidence).toBeLessThan(exact.confidence);
    expect((await retriever.retrieve('what about my order', { k: 1 })).hits).toHaveLength(1);
  });

  it('applies payload filters', async () => {
    const email = await retriever.retrieve('my refund', { filter: { channel: 'email' }, k: 10 });
    expect(email.hits.length).toBeGreaterThan(0);
    expect(email.hits.every((h) => h.ticket.metadata.channel === 'email')).toBe(true);
    const vip = await retriever.retrieve('my refund', { filter: { tags: 'vip' }, k: 10 });
    expect(vip.hits.length).toBeGreaterThan(0);
    expect(vip.hits.every((h) => (h.ticket.metadata.tags as string[]).includes('vip'))).toBe(true);
    expect((await retriever.retrieve('my refund', { filter: { channel: 'fax' } })).hits).toEqual([]);
  });

  it('returns hits in keyword, dense and hybrid modes', async () => {
    for (const mode of ['keyword', 'dense', 'hybrid'] as const) {
      const { hits, confidence } = await retriever.retrieve('how long do refunds take', { mode });
      expect(hits.length).toBeGreaterThan(0);
      expect(confidence).toBeGreaterThan(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
    expect((await retriever.retrieve('how long do refunds take', { mode: 'keyword' })).hits[0]?.ticket.question).toBe('how long do refunds take');
  });

  it('handles an empty corpus', async () => {
    const empty = await build([]);
    expect(empty.size).toBe(0);
    expect(await empty.retrieve('anything')).toEqual({ hits: [], confidence: 0, outOfScope: false });
  });
});

function intentIds(intent: string): string[] {
  return [...intentOf.entries()].filter(([, i]) => i === intent).map(([id]) => id);
}

describe('Retriever with intent labels (answer-level)', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    retriever = await build(tickets('intent'));
  });

  it('learns from the intent field and sees labels as answer-level', () => {
    expect(retriever.labelledBy).toBe('intent');
    expect(retriever.answerLevelLabels).toBe(true);
  });

  it('returns the label of the best hit for paraphrases', async () => {
    let right = 0;
    for (const [question, intent] of PARAPHRASES) {
      const result = await retriever.retrieve(question);
      expect(result.label).toBe(result.hits[0]?.ticket.metadata.intent);
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
      if (result.label === intent) right++;
      expect(result.outOfScope).toBe(result.label === 'oos');
    }
    expect(right).toBeGreaterThanOrEqual(9);
  });

  it('flags questions like the out-of-scope examples', async () => {
    const joke = await retriever.retrieve('tell me a funny joke');
    expect(joke.label).toBe('oos');
    expect(joke.outOfScope).toBe(true);
    const weather = await retriever.retrieve('what will the weather be like tomorrow');
    expect(weather.outOfScope).toBe(true);
    const refund = await retriever.retrieve('how long until I get my refund');
    expect(refund.outOfScope).toBe(false);
    expect(refund.label).toBe('refund_status');
  });

  it('calibrates confidence on held-out folds', () => {
    const heldOut = retriever.heldOutConfidences();
    expect(heldOut).toHaveLength(60);
    expect(heldOut.every((r) => r.confidence >= 0 && r.confidence <= 1)).toBe(true);
    expect(heldOut.filter((r) => r.outOfScope)).toHaveLength(5);
    expect(heldOut.some((r) => r.correct)).toBe(true);
    expect(retriever.calibrationRecords.every((r) => r.top > 0 && r.top <= 1 && r.margin >= 0 && r.similarity >= 0 && r.similarity <= 1)).toBe(true);
  });

  it('keeps filters when labels add candidates', async () => {
    const { hits } = await retriever.retrieve('where is my parcel', { filter: { channel: 'chat' }, k: 10 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.ticket.metadata.channel === 'chat')).toBe(true);
  });
});

describe('Retriever with category labels (distinct answers)', () => {
  it('sees labels as broader than answers and takes confidence from similarity (and neighbour agreement)', async () => {
    const records = tickets('category');
    const labelled = await build(records);
    expect(labelled.labelledBy).toBe('category');
    expect(labelled.answerLevelLabels).toBe(false);
    // The same corpus without a label field: its hit scores are the plain similarities.
    const plain = await build(records, { labelField: 'none' });
    expect(plain.labelledBy).toBeUndefined();
    for (const question of ['has my package shipped yet', 'how do refunds work', 'what is the capital of Spain']) {
      const result = await labelled.retrieve(question);
      const best = result.hits[0];
      expect(best).toBeDefined();
      expect(result.label).toBe(best?.ticket.metadata.category);
      const similarity = (await plain.retrieve(question, { k: 60 })).hits.find((h) => h.ticket.id === best?.ticket.id)?.score;
      expect(similarity).toBeDefined();
      expect(result.signals?.similarity).toBeCloseTo(similarity as number, 6);
    }
  });
});
