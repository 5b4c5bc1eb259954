import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { KnowledgeModel } from '../model/knowledge-model.js';
import { Retriever } from './retriever.js';

/** Tickets without labels of two brands whose agents answer with a few help pages, and some one-off answers. */
function tickets(): TicketRecord[] {
  const topics = [
    { scope: 'brand-a', words: ['password', 'login', 'locked', 'reset', 'sign in'], page: 'https://help.a.example/password' },
    { scope: 'brand-a', words: ['refund', 'charge', 'payment', 'invoice', 'money back'], page: 'https://help.a.example/refunds' },
    { scope: 'brand-b', words: ['parcel', 'courier', 'tracking', 'delivery', 'late order'], page: 'https://help.b.example/shipping' },
    { scope: 'brand-b', words: ['password', 'login', 'account', 'reset', 'sign in'], page: 'https://help.b.example/account' },
  ];
  const out: TicketRecord[] = [];
  topics.forEach((topic, t) => {
    for (let i = 0; i < 15; i++) {
      out.push({ id: `t${t}-${i}`, question: `help with my ${topic.words[i % 5]} and ${topic.words[(i + 2) % 5]} today`, answer: `Hi there, this page explains it: ${topic.page}`, source: 'care', scope: topic.scope, metadata: {} });
    }
  });
  const oneOffs = ['Snow is likely in the mountains.', 'Our shops close on public holidays.', 'The museum opens at nine.', 'Umbrellas are sold at the entrance.', 'Parking is free on Sundays.', 'Dogs are welcome on the terrace.'];
  oneOffs.forEach((answer, i) => out.push({ id: `one-off-${i}`, question: `question about the weather and holidays ${'uvwxyz'[i]}`, answer, source: 'care', scope: 'brand-a', metadata: {} }));
  return out;
}

describe('Retriever without labels: answers as classes', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    retriever = await Retriever.build(tickets(), { index: new MemoryIndex(), embedder: new LsaEmbedder() });
  });

  it('learns a cluster model over the linked pages and gives the first answer class probability as a signal', async () => {
    expect(retriever.model.clusters?.labels).toEqual(expect.arrayContaining(['link:help.a.example/password', 'link:help.b.example/shipping']));
    const found = await retriever.retrieve('I need a refund of the charge', { filter: { scope: ['brand-a', '*'] } });
    expect(found.hits[0]?.ticket.answer).toContain('help.a.example/refunds');
    expect(found.signals?.cluster).toBeGreaterThan(0.5);
    // The calibration learned on held-out questions uses the cluster probability (four weights).
    expect(retriever.model.selection?.calibration).toHaveLength(4);
  });

  it('renormalizes the cluster probability over the answer classes of the conversation\'s scope', async () => {
    const inA = await retriever.retrieve('password reset login', { filter: { scope: ['brand-a', '*'] } });
    expect(inA.hits[0]?.ticket.scope).toBe('brand-a');
    const everywhere = await retriever.retrieve('password reset login');
    // Brand b's account page competes only when the conversation may see it.
    expect(inA.signals?.cluster ?? 0).toBeGreaterThanOrEqual(everywhere.signals?.cluster ?? 0);
  });

  it('keeps the answer classes\' scopes up to date as tickets change scope (as a retriever that starts from them)', async () => {
    const question = 'password reset login account';
    const filter = { scope: ['brand-a', '*'] };
    const before = await retriever.retrieve(question, { filter });
    // Brand b's account-page tickets move to brand a after the classes' scopes were counted by the query above.
    const moved = tickets().filter((t) => t.id.startsWith('t3-')).map((t) => ({ ...t, scope: 'brand-a' }));
    const vectors = await retriever.model.encode(moved);
    await retriever.apply(moved.map((ticket, i) => ({ ticket, vectors: vectors[i]! })), []);
    const after = await retriever.retrieve(question, { filter });
    const all = [...retriever.tickets()];
    const fresh = new Retriever(retriever.model, new MemoryIndex());
    await fresh.index.ensure({ dims: retriever.model.dims, payloadKeys: ['source', 'scope'] });
    const allVectors = await retriever.model.encode(all);
    await fresh.apply(all.map((ticket, i) => ({ ticket, vectors: allVectors[i]! })), []);
    const expected = await fresh.retrieve(question, { filter });
    expect(after.hits.map((h) => h.ticket.id)).toEqual(expected.hits.map((h) => h.ticket.id));
    expect(after.signals?.cluster).toBe(expected.signals?.cluster);
    expect(after.signals?.cluster).not.toBe(before.signals?.cluster);
  });

  it('keeps the cluster model in the stored knowledge model', async () => {
    const restored = KnowledgeModel.fromBytes(retriever.model.toBytes(), new LsaEmbedder());
    expect(restored.clusters?.labels).toEqual(retriever.model.clusters?.labels);
    const features = restored.encoder.labelFeatures(restored.encoder.encodeQuery('refund please'));
    expect(Array.from(restored.clusters?.predict(features) ?? [])).toEqual(Array.from(retriever.model.clusters?.predict(features) ?? []));
  });
});

/**
 * Labelled tickets whose labels do not name answers: the "account" category holds two help pages (passwords, e-mail
 * changes) and a few one-off answers, "orders" two more (tracking, returns).
 */
function categorisedTickets(): TicketRecord[] {
  const topics = [
    { category: 'account', words: ['password', 'login', 'locked', 'reset', 'sign in'], page: 'https://help.example/password' },
    { category: 'account', words: ['email', 'address', 'change', 'update', 'new email'], page: 'https://help.example/email' },
    { category: 'orders', words: ['parcel', 'courier', 'tracking', 'delivery', 'late order'], page: 'https://help.example/tracking' },
    { category: 'orders', words: ['return', 'send back', 'refund', 'label', 'exchange'], page: 'https://help.example/returns' },
  ];
  const out: TicketRecord[] = [];
  topics.forEach((topic, t) => {
    for (let i = 0; i < 12; i++) {
      out.push({ id: `c${t}-${i}`, question: `help with my ${topic.words[i % 5]} and ${topic.words[(i + 2) % 5]} today`, answer: `Hello, see ${topic.page}`, source: 'care', metadata: { category: topic.category } });
    }
  });
  const oneOffs = ['Your account was merged with the older one.', 'We unlocked it for you, try again now.', 'The app update fixes that screen.', 'Your loyalty tier is shown on the profile page.'];
  oneOffs.forEach((answer, i) => out.push({ id: `account-one-off-${i}`, question: `my account profile looks odd ${'wxyz'[i]}`, answer, source: 'care', metadata: { category: 'account' } }));
  return out;
}

describe('Retriever with labels that do not name answers: labels and answer clusters both', () => {
  let retriever: Retriever;
  beforeAll(async () => {
    retriever = await Retriever.build(categorisedTickets(), { index: new MemoryIndex(), embedder: new LsaEmbedder() });
  });

  it('learns the label model over the categories and the cluster model over the pages inside them', () => {
    expect(retriever.labelledBy).toBe('category');
    expect(retriever.model.labels?.answerLevel).toBe(false);
    expect(retriever.model.clusters?.labels).toEqual(expect.arrayContaining(['link:help.example/password', 'link:help.example/email', 'link:help.example/tracking', 'link:help.example/returns']));
  });

  it('ranks with the labels and adds the answer class\'s probability to the confidence, calibrated on held-out questions', async () => {
    const found = await retriever.retrieve('I am locked out, password reset please');
    expect(found.label).toBe('account');
    expect(found.hits[0]?.ticket.answer).toContain('help.example/password');
    expect(found.signals?.cluster).toBeGreaterThan(0.5);
    // The category is sure for both questions; which of its answers fits is what the cluster signal tells apart.
    const unsure = await retriever.retrieve('something about my account');
    expect(unsure.signals?.cluster ?? 0).toBeLessThan(found.signals?.cluster ?? 0);
    expect(retriever.model.selection?.calibration).toHaveLength(4);
  });

  it('learns no cluster model when the labels name the answers (one answer per label)', async () => {
    const oneAnswerPerLabel = categorisedTickets().map((t) => ({ ...t, metadata: { category: t.answer.match(/help\.example\/(\w+)/)?.[1] ?? 'other' } }));
    const labelled = await Retriever.build(oneAnswerPerLabel, { index: new MemoryIndex(), embedder: new LsaEmbedder() });
    expect(labelled.model.labels?.answerLevel).toBe(true);
    expect(labelled.model.clusters).toBeUndefined();
  });
});
