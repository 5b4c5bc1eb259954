import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { Retriever } from './retriever.js';

const TOPICS: Record<string, string[]> = {
  card: ['card', 'declined', 'blocked', 'pin'],
  transfer: ['transfer', 'iban', 'payee', 'wire'],
  refund: ['refund', 'merchant', 'return', 'money back'],
  oos: ['weather', 'joke', 'recipe', 'movie'],
};

/** `n` labelled tickets, spread evenly over four intents (one of them out-of-scope examples). */
function tickets(n: number): TicketRecord[] {
  const labels = Object.keys(TOPICS);
  return Array.from({ length: n }, (_, i) => {
    const label = labels[i % labels.length] as string;
    const words = TOPICS[label] as string[];
    return {
      id: `t${i}`,
      question: `question ${i} about the ${words[i % words.length] as string} and the ${words[(i + 1) % words.length] as string}`,
      answer: `Answer for ${label}.`,
      source: 'test',
      metadata: { intent: label },
    };
  });
}

describe('Retriever label model', () => {
  const build = (n: number) => Retriever.build(tickets(n), { index: new MemoryIndex(), embedder: new LsaEmbedder({ dims: 8 }), calibrateUpTo: 0 });

  it('averages SVMs and the softmax regression from 1,000 labelled tickets, with an out-of-scope label too', async () => {
    const retriever = await build(1_000);
    expect(retriever.model.labels?.model.size).toBe(2);
    expect(retriever.model.labels?.model.labels).toContain('oos');
    const found = await retriever.retrieve('my card was declined');
    expect(found.label).toBe('card');
  });

  it('keeps the softmax regression alone on smaller stores', async () => {
    const retriever = await build(200);
    expect(retriever.model.labels?.model.size).toBe(1);
  });
});
