import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { Retriever } from './retriever.js';

/** Labelled tickets (a helpdesk's categories) beside one ticket posted without a category. */
const LABELLED: { intent: string; answer: string; questions: string[] }[] = [
  {
    intent: 'shipping',
    answer: 'Standard shipping takes 3 to 5 business days.',
    questions: ['how long does shipping take', 'when will my order arrive', 'shipping time to my address', 'how fast do you ship my order', 'my order has not arrived yet'],
  },
  {
    intent: 'refund',
    answer: 'Refunds reach your bank within 7 days.',
    questions: ['when do I get my refund', 'refund status of my order', 'how long do refunds take', 'I want my money back', 'refund not received'],
  },
  {
    intent: 'password',
    answer: 'Open the forgot-password page and follow the e-mailed link.',
    questions: ['I forgot my password', 'how do I reset my password', 'password reset link', 'I cannot sign in to my account', 'locked out of my account'],
  },
];

const UNLABELLED: TicketRecord = {
  id: 'posted-gift-wrap',
  question: 'Can you gift wrap my order and add a card?',
  answer: 'Yes: tick "gift wrap" at checkout and type the card message; it costs 3 euros.',
  source: 'api',
  metadata: {},
};

describe('Retriever with labelled tickets and a ticket without a label', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    const tickets: TicketRecord[] = LABELLED.flatMap(({ intent, answer, questions }) =>
      questions.map((question, i) => ({ id: `${intent}-${i}`, question, answer, source: 'helpdesk', metadata: { intent } })),
    );
    retriever = await Retriever.build([...tickets, UNLABELLED], { index: new MemoryIndex(), embedder: new LsaEmbedder() });
  });

  it('ranks the unlabelled ticket first for its own question, with its similarity as the confidence', async () => {
    const found = await retriever.retrieve('can you gift wrap my order and add a card');
    expect(found.hits[0]?.ticket.id).toBe(UNLABELLED.id);
    expect(found.label).toBeUndefined();
    expect(found.confidence).toBeGreaterThan(0.6);
  });

  it('still answers labelled questions from their label', async () => {
    const found = await retriever.retrieve('how long will shipping take for my order');
    expect(found.hits[0]?.ticket.metadata.intent).toBe('shipping');
    expect(found.label).toBe('shipping');
  });
});
