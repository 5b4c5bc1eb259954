import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, TicketRecord } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { syntheticTickets } from '../../evaluations/bench/index-bench.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { memoryGenerations } from '../indexes/generations.js';
import { listAllTickets, streamStoredVectors } from './vector-records.js';
import { fitVersion, openVersion, type KnowledgeVersion, type VersionContext } from './versions.js';

const contextOf = (store: Store): VersionContext => ({
  store,
  generations: memoryGenerations(),
  embedder: new LsaEmbedder(),
  retriever: {},
  screen: async (tickets) => [...tickets],
});

async function ranked(version: KnowledgeVersion, questions: readonly string[]): Promise<{ id: string; score: number }[][]> {
  const out: { id: string; score: number }[][] = [];
  for (const question of questions) out.push((await version.retriever.retrieve(question, { k: 8 })).hits.map((h) => ({ id: h.ticket.id, score: h.score })));
  return out;
}

describe('opening a stored version (restart) with the vectors read in pages', () => {
  let home: string;
  let store: Store;
  let tickets: TicketRecord[];
  let questions: string[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-versions-'));
    store = await openStore({ home });
    const corpus = await syntheticTickets(400);
    tickets = corpus.tickets;
    questions = [...Array.from({ length: 20 }, (_, i) => corpus.sentence(4 + (i % 9))), ...tickets.slice(0, 10).map((t) => t.question)];
    await store.upsertTickets(tickets);
  }, 60_000);
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lists every ticket page by page, in the order of a single listing', async () => {
    expect((await listAllTickets(store, 33)).map((t) => t.id)).toEqual((await store.listTickets()).map((t) => t.id));
    expect(await listAllTickets(store, 400)).toHaveLength(400);
  });

  it('streams every stored vector in pages of the given size, each page handed over before the next is read', async () => {
    const built = await fitVersion(contextOf(store), tickets, await store.ticketSeq());
    const pages: number[] = [];
    const streamed = await streamStoredVectors(store.knowledge, built.version, tickets, { sinceSeq: 0, pageSize: 37, onPage: async (found) => void pages.push(found.length) });
    expect(pages).toHaveLength(Math.ceil(400 / 37));
    expect(pages.reduce((a, b) => a + b, 0)).toBe(400);
    expect(streamed).toMatchObject({ found: 400, changedSince: 400, missing: [], orphans: [] });
    const sinceFit = await streamStoredVectors(store.knowledge, built.version, tickets.slice(1), { sinceSeq: await store.ticketSeq(), onPage: async () => {} });
    expect(sinceFit).toMatchObject({ found: 399, changedSince: 0, orphans: [tickets[0]?.id] });
    expect(sinceFit.unchanged.size).toBe(399);
  }, 120_000);

  it('yields exactly the rankings of the in-memory build, and re-encodes a changed ticket', async () => {
    const context = contextOf(store);
    const seq = await store.ticketSeq();
    // In the store's order (by id), as a refit lists them: a restart places the tickets in that order too.
    const built = await fitVersion(context, await store.listTickets(), seq);
    await store.knowledge.publishModel(built.version);
    const record = await store.knowledge.currentModel();
    if (!record) throw new Error('no published model');
    const restarted = await openVersion({ ...context, generations: memoryGenerations() }, record, tickets, seq, { vectorPage: 23 });
    expect(restarted.retriever.size).toBe(tickets.length);
    expect(await ranked(restarted, questions)).toEqual(await ranked(built, questions));
    const onePage = await openVersion({ ...context, generations: memoryGenerations() }, record, tickets, seq, { vectorPage: 10_000 });
    expect(await ranked(onePage, questions)).toEqual(await ranked(restarted, questions));
    const changed = { ...(tickets[3] as TicketRecord), question: 'a wholly rewritten question about refund vouchers' };
    const edited = tickets.map((t) => (t.id === changed.id ? changed : t));
    const again = await openVersion({ ...context, generations: memoryGenerations() }, record, edited, seq, { vectorPage: 50 });
    expect(again.retriever.size).toBe(tickets.length);
    expect(again.changesBeforeLoad).toBeGreaterThanOrEqual(1);
    expect((await again.retriever.retrieve(changed.question)).hits[0]?.ticket.id).toBe(changed.id);
  }, 180_000);
});
