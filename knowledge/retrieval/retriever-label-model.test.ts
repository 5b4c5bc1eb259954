import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { WordVectors } from '../embeddings/word-vectors.js';
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

  it('keeps the softmax regression alone on smaller stores; averages both with an out-of-scope label too', async () => {
    expect((await build(200)).model.labels?.model.size).toBe(1);
    const withOutOfScope = await build(1_000, true);
    expect(withOutOfScope.model.labels?.model.labels).toContain('oos');
    expect(withOutOfScope.model.labels?.model.size).toBe(2);
  });

  it('with an out-of-scope label, hands off questions below the out-of-scope threshold chosen on held-out folds', async () => {
    const intents: Record<string, string[]> = {
      card: ['card', 'declined', 'blocked', 'pin', 'contactless'],
      transfer: ['transfer', 'iban', 'payee', 'wire', 'sepa'],
      refund: ['refund', 'merchant', 'return', 'reimburse', 'chargeback'],
    };
    // Out-of-scope questions share common words with in-scope ones, so held-out folds label some of them in scope.
    const elsewhere = ['weather', 'joke', 'recipe', 'movie', 'song', 'poem', 'holiday', 'football', 'garden', 'cat', 'train', 'pizza'];
    const shared = ['money', 'account', 'today', 'please', 'help', 'phone'];
    const labelled: TicketRecord[] = [];
    for (let i = 0; i < 360; i++) {
      const intent = i % 4 === 3 ? 'oos' : (Object.keys(intents)[i % 4] as string);
      const words = intent === 'oos' ? elsewhere : (intents[intent] as string[]);
      const question = `${words[i % words.length] as string} ${words[(i * 7 + 3) % words.length] as string} ${shared[i % shared.length] as string} ${shared[(i * 5 + 1) % shared.length] as string}`;
      labelled.push({ id: `q${i}`, question, answer: `Answer for ${intent}.`, source: 'test', metadata: { intent } });
    }
    const retriever = await Retriever.build(labelled, { index: new MemoryIndex(), embedder: new LsaEmbedder({ dims: 8 }) });
    const below = retriever.model.labels?.outOfScopeBelow as number;
    expect(below).toBeGreaterThan(0);
    let handedOffInScope = 0;
    for (const question of ['money account please', 'help phone today card', 'song about my account', 'refund', 'wire the money', 'pizza money phone', 'today help', 'account movie please']) {
      const found = await retriever.retrieve(question);
      expect(found.outOfScope).toBe(found.label === 'oos' || found.confidence < below);
      if (found.outOfScope && found.label !== 'oos') handedOffInScope++;
    }
    expect(handedOffInScope).toBeGreaterThan(0);
  });

  it('with word vectors, labels a question by words no ticket used', async () => {
    const topics: Record<string, string[]> = {
      refund: ['I want my money back for the shoes', 'please refund my order', 'can I get a refund on this purchase', 'return the jacket and repay me'],
      delivery: ['where is my parcel', 'when will my package arrive', 'the courier has not come yet', 'my shipment is late'],
    };
    const labelled = Object.entries(topics).flatMap(([intent, questions]) =>
      questions.map((question, i) => ({ id: `${intent}-${i}`, question, answer: `Answer for ${intent}.`, source: 'test', metadata: { intent } })),
    );
    const question = 'reimbursement of my payment';
    const options = { index: new MemoryIndex(), embedder: new LsaEmbedder({ dims: 4 }), calibrateUpTo: 0 };
    const plain = await Retriever.build(labelled, options);
    const meaningful = await Retriever.build(labelled, { ...options, index: new MemoryIndex(), wordVectors: WordVectors.shared() });
    const probabilityOfRefund = async (retriever: Retriever) => {
      const model = retriever.model.labels?.model;
      const probabilities = model?.predict(retriever.model.encoder.labelFeatures(retriever.model.encoder.encodeQuery(question))) ?? new Float64Array();
      return probabilities[model?.labels.indexOf('refund') ?? -1] as number;
    };
    expect(await probabilityOfRefund(meaningful)).toBeGreaterThan(0.5);
    expect(await probabilityOfRefund(meaningful)).toBeGreaterThan((await probabilityOfRefund(plain)) + 0.05);
    // With a catch-all out-of-scope label too (the out-of-scope decision reads that label's probability and a threshold).
    const outOfScope = [...labelled, ...['tell me a joke', 'what is the weather like', 'who won the game'].map((question, i) => ({ id: `oos-${i}`, question, answer: 'Out of scope.', source: 'test', metadata: { intent: 'oos' } }))];
    const plainOos = await Retriever.build(outOfScope, { ...options, index: new MemoryIndex() });
    const meaningfulOos = await Retriever.build(outOfScope, { ...options, index: new MemoryIndex(), wordVectors: WordVectors.shared() });
    expect(await probabilityOfRefund(meaningfulOos)).toBeGreaterThan((await probabilityOfRefund(plainOos)) + 0.05);
  });
});
