import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, TicketRecord } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { KnowledgeBase } from './knowledge-base.js';

const t = (id: string, question: string, source = 'a'): TicketRecord => ({ id, question, answer: `answer to ${question}`, source, metadata: {} });

describe('KnowledgeBase', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-kb-'));
    store = await openStore({ home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('ingests, searches, and reloads the index from the store', async () => {
    const kb = new KnowledgeBase(store);
    const result = await kb.ingest([t('1', 'how do I reset my password'), t('2', 'when will my parcel arrive')]);
    expect(result).toEqual({ inserted: 2, updated: 0, unchanged: 0, removed: 0, redacted: 0, duplicates: 0, quarantined: 0, quarantinedTickets: [], total: 2 });
    expect((await kb.search('reset password'))[0]?.ticket.id).toBe('1');
    const reloaded = new KnowledgeBase(store);
    await reloaded.load();
    expect(reloaded.size).toBe(2);
    expect((await reloaded.search('parcel arrive'))[0]?.ticket.id).toBe('2');
  });

  it('removes tickets by id (gone from search at once) and reports its status', async () => {
    const kb = new KnowledgeBase(store);
    await kb.ingest([t('1', 'how do I reset my password'), t('2', 'when will my parcel arrive'), t('3', 'can I pay by bank transfer')]);
    expect(await kb.remove(['2', 'missing'])).toBe(1);
    expect(kb.get('2')).toBeUndefined();
    expect((await kb.search('parcel arrive')).map((h) => h.ticket.id)).not.toContain('2');
    expect(await kb.remove(['2'])).toBe(0);
    await store.upsertTickets([{ ...t('4', 'do you ship abroad'), scope: 'brand-b' } as TicketRecord]);
    await kb.load();
    const status = await kb.status();
    expect(status.byScope).toEqual({ '*': 2, 'brand-b': 1 });
    const storeSeq = await store.ticketSeq();
    expect(status).toEqual({
      engine: 'memory',
      version: expect.any(Number),
      tickets: 3,
      byScope: expect.any(Object),
      lastRefitAt: expect.any(String),
      pendingChanges: expect.any(Number),
      appliedSeq: storeSeq,
      storeSeq,
      rssMb: expect.any(Number),
      // Three tickets are too few to select an answer threshold for the precision target.
      answerSelection: null,
    });
  });

  it('redacts personal data before storing and drops near-duplicates', async () => {
    const kb = new KnowledgeBase(store);
    const result = await kb.ingest([
      { id: 'p1', question: 'My email is jane.doe@example.com, where is order #NW48213?', answer: 'Hi Jane, it ships today.', source: 'a', metadata: {} },
      { id: 'p2', question: 'how do I reset my password', answer: 'Use the reset link on the sign-in page.', source: 'a', metadata: {} },
      { id: 'p3', question: 'How do I reset my password?', answer: 'Use the reset link on the sign-in page.', source: 'a', metadata: {} },
    ]);
    expect(result).toMatchObject({ inserted: 2, redacted: 1, duplicates: 1, total: 2 });
    const [stored] = await store.listTickets({ source: 'a' });
    expect(stored?.question).toBe('My email is [EMAIL], where is order #[ORDER_ID]?');
    expect(stored?.question).not.toMatch(/jane|48213/i);
    expect(stored?.answer).not.toMatch(/Jane/);
  });

  it('re-ingest replaces changed tickets; sync removes tickets of the same source missing from the snapshot', async () => {
    const kb = new KnowledgeBase(store);
    await kb.ingest([t('1', 'reset password'), t('2', 'parcel late'), t('3', 'gift card balance', 'b')]);
    const again = await kb.ingest([t('1', 'reset password'), t('2', 'parcel very late')]);
    expect(again).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, removed: 0, total: 3 });
    const synced = await kb.ingest([t('2', 'parcel very late')], { sync: true });
    expect(synced).toMatchObject({ removed: 1, total: 2 });
    expect(kb.get('1')).toBeUndefined();
    expect(kb.get('3')?.source).toBe('b');
  });
});
