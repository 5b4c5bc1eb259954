import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { ANSWERED_FACTOR, Retriever } from './retriever.js';

const ticket = (id: string, question: string, answer: string): TicketRecord => ({ id, question, answer, source: 'test', metadata: {} });
const TICKETS = [
  ticket('times', 'How long does delivery take?', 'Standard US delivery takes 3–5 business days; delivery to the UK and EU takes 7–12 business days.'),
  ticket('countries', 'Do you ship to Canada or Australia?', 'Not at the moment: we ship to the US, the UK and all EU countries.'),
  ticket('germany', 'Do you ship to Germany?', 'Yes, to all EU countries including Germany; delivery takes 7–12 business days.'),
  ticket('france', 'How long does it take to ship to France?', 'Orders to France and the rest of the EU arrive in 7–12 business days.'),
  ticket('refunds', 'How long do refunds take?', 'Refunds reach your bank 5–7 business days after we receive the return.'),
  ticket('password', 'I forgot my password', 'Use Forgot password on the sign-in page to get a reset link.'),
];

describe('retrieval with entity agreement', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    retriever = await Retriever.build(TICKETS, { index: new MemoryIndex(), embedder: new LsaEmbedder({ dims: 8 }) });
  });

  it('does not answer a question about Canada with the ticket about US, UK and EU delivery times', async () => {
    const { hits } = await retriever.retrieve('How long does shipping to Canada take?');
    const times = hits.find((hit) => hit.ticket.id === 'times');
    expect(hits[0]?.ticket.id).toBe('countries');
    expect(hits[0]?.entityAgreement).toBe(1);
    expect(times?.entityAgreement).toBe(-1);
  });

  it('gives every hit an agreement of 0 when the question names no entity', async () => {
    const { hits } = await retriever.retrieve('how long does delivery take');
    expect(hits.every((hit) => hit.entityAgreement === 0)).toBe(true);
  });

  it('ranks a ticket the conversation was already answered with at a share of its score', async () => {
    const question = 'Do you ship to Germany? how long does that take to arrive?';
    const first = await retriever.retrieve(question);
    const best = first.hits[0];
    const again = await retriever.retrieve(question, { answered: [best?.ticket.id ?? ''] });
    const demoted = again.hits.find((hit) => hit.ticket.id === best?.ticket.id);
    expect(demoted?.score).toBeCloseTo((best?.score ?? 0) * ANSWERED_FACTOR, 6);
    expect(again.hits.map((hit) => hit.score)).toEqual([...again.hits.map((hit) => hit.score)].sort((a, b) => b - a));
  });
});
