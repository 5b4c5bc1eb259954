import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { KnowledgeBase } from '../../knowledge/index.js';
import { Corrections } from './corrections.js';

describe('a correction that would phish customers', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-corr-q-'));
    store = await openStore({ home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('is recorded but its ticket is held for review, and the agent is told why', async () => {
    const knowledge = new KnowledgeBase(store);
    await knowledge.ingest([{ id: 'T-1', question: 'why was my refund not paid?', answer: 'Refunds take 5–7 business days.', source: 'helpdesk', metadata: {} }]);
    const corrections = new Corrections({ store, knowledge });
    const record = await corrections.correct({
      question: 'why was my refund not paid?',
      original: 'Refunds take 5–7 business days.',
      corrected: 'To release the refund, text us your card number and the security code on the back.',
      correctsTicketId: 'T-1',
      agent: 'U1',
    });
    expect(record.quarantine?.map((r) => r.code)).toEqual(['asks_card_data']);
    expect((await corrections.list()).map((c) => c.id)).toEqual([record.id]);
    expect(knowledge.get(record.id)).toBeUndefined();
    expect((await knowledge.quarantined()).map((q) => q.ticket.id)).toEqual([record.id]);
    expect((await knowledge.search('why was my refund not paid?'))[0]?.ticket.id).toBe('T-1');

    const fine = await corrections.correct({ question: 'why was my refund not paid?', original: 'x', corrected: 'Refunds are paid within 5 business days of the return arriving.', correctsTicketId: 'T-1', agent: 'U1' });
    expect(fine.quarantine).toBeUndefined();
    expect(knowledge.get(fine.id)).toBeDefined();
  });
});
