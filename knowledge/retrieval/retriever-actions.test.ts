import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { KnowledgeModel } from '../model/knowledge-model.js';
import { Retriever } from './retriever.js';

const TRACK = 'Follow your parcel on the carrier page with the tracking link from your confirmation e-mail.';
const EDIT = 'Open Order History, pick the order and press Edit to change its items or delivery address.';

/** Tickets without labels whose answer follows the action asked for, each order number asked about both ways. */
function tickets(withLabels: boolean): TicketRecord[] {
  return Array.from({ length: 30 }, (_, i) => 4100 + i).flatMap((n) => [
    { id: `track-${n}`, question: `I need to track my order ${n} please`, answer: TRACK, source: 'test', metadata: withLabels ? { intent: 'track' } : {} },
    { id: `edit-${n}`, question: `I need to edit my order ${n} please`, answer: EDIT, source: 'test', metadata: withLabels ? { intent: 'edit' } : {} },
  ]).concat([
    // Order 3141: the edit question is worded like the customer's below, the track question is not.
    { id: 'edit-3141', question: 'I need to edit my order 3141 please', answer: EDIT, source: 'test', metadata: withLabels ? { intent: 'edit' } : {} },
    { id: 'track-3141', question: 'where can I track order 3141?', answer: TRACK, source: 'test', metadata: withLabels ? { intent: 'track' } : {} },
  ]);
}

describe('Retriever: the action penalty learned from tickets without labels', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    retriever = await Retriever.build(tickets(false), { index: new MemoryIndex(), embedder: new LsaEmbedder() });
  });

  it('learns a penalty where the answers follow the action, and ranks a ticket asking for the same action first', async () => {
    expect(retriever.model.actionPenalty).toBeGreaterThan(0);
    // The ticket worded most like the question asks to edit order 3141 (twice the similarity of the track ticket's);
    // the customer wants to track it.
    const found = await retriever.retrieve('I need to track my order 3141 please', { k: 3 });
    expect(found.hits.map((hit) => hit.ticket.id).slice(0, 2)).toEqual(['track-3141', 'edit-3141']);
  });

  it('keeps the penalty with the stored version', () => {
    const restored = KnowledgeModel.fromBytes(retriever.model.toBytes(), new LsaEmbedder());
    expect(restored.actionPenalty).toBe(retriever.model.actionPenalty);
  });

  it('learns none above calibrateUpTo tickets', async () => {
    const large = await Retriever.build(tickets(false), { index: new MemoryIndex(), embedder: new LsaEmbedder(), calibrateUpTo: 20 });
    expect(large.model.actionPenalty).toBe(0);
  });

  it('learns none when labels rank the tickets', async () => {
    const labelled = await Retriever.build(tickets(true), { index: new MemoryIndex(), embedder: new LsaEmbedder() });
    expect(labelled.model.actionPenalty).toBe(0);
  });
});
