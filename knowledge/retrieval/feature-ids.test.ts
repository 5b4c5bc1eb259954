import { describe, expect, it } from '@jest/globals';
import type { TicketRecord } from '../../bot/core/index.js';
import { seededRandom } from '../embeddings/linalg.js';
import { charFeatures, wordFeatures } from './text.js';
import { TicketEncoder } from './ticket-encoder.js';
import { Vocabulary } from './vocabulary.js';

const WORDS = 'the order shipped shipping ships refund refunds refunded how long does it take to my your card cancel café naïve résumé 42 x9 wait and is'.split(' ');

function corpus(n: number, seed = 3): TicketRecord[] {
  const random = seededRandom(seed);
  const sentence = (length: number) => Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)] as string).join(random() < 0.5 ? ' ' : ', ');
  return Array.from({ length: n }, (_, i) => ({ id: `t${i}`, question: sentence(3 + (i % 9)), answer: sentence(5 + (i % 13)), source: 's', metadata: {} }));
}

describe('TicketEncoder feature ids (cached per token)', () => {
  it('learns the same vocabularies and vectors as fitting on feature strings', () => {
    const tickets = corpus(400);
    const encoder = TicketEncoder.fit(tickets);
    const questionWords = Vocabulary.fit(tickets.map((t) => wordFeatures(t.question)));
    const questionChars = Vocabulary.fit(tickets.map((t) => charFeatures(t.question)));
    const answerWords = Vocabulary.fit(tickets.map((t) => wordFeatures(t.answer)));
    expect(encoder.sizes).toEqual({ questionWords: questionWords.size, questionChars: questionChars.size, answerWords: answerWords.size });
    for (const ticket of tickets.slice(0, 50)) {
      const encoded = encoder.encodeTicket(ticket);
      expect([...encoded.words.indices]).toEqual(questionWords.vectorize(wordFeatures(ticket.question)).indices);
      expect([...encoded.words.values]).toEqual([...Float32Array.from(questionWords.vectorize(wordFeatures(ticket.question)).values)]);
      expect([...encoded.chars.indices]).toEqual(questionChars.vectorize(charFeatures(ticket.question)).indices);
      expect([...encoded.answerWords.values]).toEqual([...Float32Array.from(answerWords.vectorize(wordFeatures(ticket.answer)).values)]);
    }
    const query = 'How long does a refund take, café?';
    expect(encoder.encodeQuery(query).answerWords).toEqual(answerWords.vectorize(wordFeatures(query)));
    expect(encoder.encodeQuery(query).chars).toEqual(questionChars.vectorize(charFeatures(query)));
  });

  it('ignores features the vocabularies never saw (a ticket folded into a fitted model)', () => {
    const encoder = TicketEncoder.fit(corpus(50));
    const encoded = encoder.encodeTicket({ id: 'new', question: 'zzqx refund', answer: 'qqzz', source: 's', metadata: {} });
    expect(encoded.answerWords.indices).toHaveLength(0);
    expect(encoded.words.indices.length).toBeGreaterThan(0);
  });
});
