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

/** `n` labelled tickets, spread evenly over the intents (with or without the out-of-scope examples). */
function tickets(n: number, outOfScope = false): TicketRecord[] {
  const labels = Object.keys(TOPICS).filter((label) => outOfScope || label !== 'oos');
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
  const build = (n: number, outOfScope = false) => Retriever.build(tickets(n, outOfScope), { index: new MemoryIndex(), embedder: new LsaEmbedder({ dims: 8 }), calibrateUpTo: 0 });

  it('averages SVMs and the softmax regression from 1,000 labelled tickets', async () => {
    const retriever = await build(1_000);
    expect(retriever.model.labels?.model.size).toBe(2);
    const found = await retriever.retrieve('my card was declined');
    expect(found.label).toBe('card');
  });

  it('keeps the softmax regression alone on smaller stores and with an out-of-scope label', async () => {
    expect((await build(200)).model.labels?.model.size).toBe(1);
    const withOutOfScope = await build(1_000, true);
    expect(withOutOfScope.model.labels?.model.labels).toContain('oos');
    expect(withOutOfScope.model.labels?.model.size).toBe(1);
  });
});
