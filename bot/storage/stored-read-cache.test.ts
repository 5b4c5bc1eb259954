import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueProduct, Store } from '../core/index.js';
import { openStore } from './index.js';
import { KEPT_SOURCE_TICKETS } from './ticket-records.js';
import { writtenTables } from './sqlite-driver.js';

/** A catalogue product with a 1-byte image. */
function product(id: string, name: string): CatalogueProduct {
  return { id, name, description: `${name}, soft`, price: '49.00', imageType: 'image/png', image: new Uint8Array([1]) };
}

/** Statements the store ran while `work` ran. */
async function statementsDuring(store: Store, work: () => Promise<unknown>): Promise<number> {
  const before = store.statementCounts!().statements;
  await work();
  return store.statementCounts!().statements - before;
}

describe('rarely changing reads served from memory (SQLite)', () => {
  let home: string;
  let server: Store;
  let cli: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-read-cache-'));
    server = await openStore({ home });
    // A second connection to the same file: another process (`parley facts set`, a second server).
    cli = await openStore({ home });
  });

  afterEach(async () => {
    await cli.close();
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it('reads the facts, the cluster stamp, the corrections and the catalogue once while nothing changes', async () => {
    await server.facts.set({ scope: null, name: 'phone', value: '+1 555 0100' });
    await server.upsertTickets([{ id: 'c1', question: 'q', answer: 'a', source: 'corrections', metadata: {} }]);
    await server.facts.list({ scope: 'brand-a' });
    await server.clusters.stamp();
    await server.listTickets({ source: 'corrections' });
    await server.tryon.upsertProducts([product('p1', 'Merino crew')]);
    await server.tryon.listProducts();
    // Other tables written meanwhile (a turn's messages) do not matter.
    await server.createConversation({ channel: 'webchat', userId: 'u1' });
    const statements = await statementsDuring(server, async () => {
      for (let i = 0; i < 3; i++) {
        expect(await server.facts.list({ scope: 'brand-a' })).toEqual([expect.objectContaining({ name: 'phone', value: '+1 555 0100' })]);
        await server.clusters.stamp();
        expect((await server.listTickets({ source: 'corrections' })).map((t) => t.id)).toEqual(['c1']);
        expect((await server.tryon.listProducts()).map((p) => p.name)).toEqual(['Merino crew']);
      }
    });
    expect(statements).toBe(0);
  });

  it('sees a fact set or removed through another connection at the next read', async () => {
    expect(await server.facts.list({ scope: null })).toEqual([]);
    await cli.facts.set({ scope: null, name: 'phone', value: '+1 555 0100' });
    expect((await server.facts.list({ scope: null })).map((f) => f.value)).toEqual(['+1 555 0100']);
    await cli.facts.set({ scope: null, name: 'phone', value: '+1 555 0199' });
    expect((await server.facts.list({ scope: null })).map((f) => f.value)).toEqual(['+1 555 0199']);
    await cli.facts.unset('phone', null);
    expect(await server.facts.list({ scope: null })).toEqual([]);
  });

  it("sees its own writes at once: facts, corrections, the clusters' versions", async () => {
    expect(await server.facts.list()).toEqual([]);
    await server.facts.set({ scope: 'brand-a', name: 'hours', value: '9-17' });
    expect((await server.facts.list()).map((f) => f.name)).toEqual(['hours']);
    expect(await server.listTickets({ source: 'corrections' })).toEqual([]);
    await server.upsertTickets([{ id: 'c1', question: 'q', answer: 'a', source: 'corrections', metadata: {} }]);
    expect((await server.listTickets({ source: 'corrections' })).map((t) => t.id)).toEqual(['c1']);
    await server.deleteTickets(['c1']);
    expect(await server.listTickets({ source: 'corrections' })).toEqual([]);
    const stamp = await server.clusters.stamp();
    await server.clusters.replaceScope(null, 0, { sourceHash: 'h', clusters: [], members: [] });
    expect(await server.clusters.stamp()).not.toBe(stamp);
  });

  it('sees corrections and cluster versions written through another connection', async () => {
    expect(await server.listTickets({ source: 'corrections' })).toEqual([]);
    const stamp = await server.clusters.stamp();
    await cli.upsertTickets([{ id: 'c2', question: 'q', answer: 'a', source: 'corrections', metadata: {} }]);
    await cli.clusters.replaceScope(null, 0, { sourceHash: 'h', clusters: [], members: [] });
    expect((await server.listTickets({ source: 'corrections' })).map((t) => t.id)).toEqual(['c2']);
    expect(await server.clusters.stamp()).not.toBe(stamp);
  });

  it('sees catalogue products added through this connection or another', async () => {
    expect(await server.tryon.listProducts()).toEqual([]);
    await server.tryon.upsertProducts([product('p1', 'Merino crew')]);
    expect((await server.tryon.listProducts()).map((p) => p.name)).toEqual(['Merino crew']);
    await cli.tryon.upsertProducts([product('p1', 'Merino crew neck')]);
    expect((await server.tryon.listProducts()).map((p) => p.name)).toEqual(['Merino crew neck']);
  });

  it('hands out copies: a caller changing what it got does not change the next read', async () => {
    await server.facts.set({ scope: null, name: 'phone', value: '+1 555 0100' });
    await server.upsertTickets([{ id: 'c1', question: 'q', answer: 'a', source: 'corrections', metadata: { agent: 'ann' } }]);
    const [fact] = await server.facts.list();
    fact!.value = 'changed';
    const [ticket] = await server.listTickets({ source: 'corrections' });
    ticket!.metadata.agent = 'changed';
    expect((await server.facts.list())[0]?.value).toBe('+1 555 0100');
    expect((await server.listTickets({ source: 'corrections' }))[0]?.metadata.agent).toBe('ann');
  });

  it("hands out deep copies of a ticket's metadata (nested values too)", async () => {
    await server.upsertTickets([{ id: 'c1', question: 'q', answer: 'a', source: 'corrections', metadata: { tags: ['refund'], by: { agent: 'ann' } } }]);
    const [ticket] = await server.listTickets({ source: 'corrections' });
    (ticket!.metadata.tags as string[]).push('changed');
    (ticket!.metadata.by as { agent: string }).agent = 'changed';
    expect((await server.listTickets({ source: 'corrections' }))[0]?.metadata).toEqual({ tags: ['refund'], by: { agent: 'ann' } });
  });

  it(`does not keep a source of more than ${KEPT_SOURCE_TICKETS} tickets (a whole ingested source, listed once)`, async () => {
    const many = Array.from({ length: KEPT_SOURCE_TICKETS + 1 }, (_, i) => ({ id: `t${i}`, question: 'q', answer: 'a', source: 'helpdesk', metadata: {} }));
    await server.upsertTickets(many);
    await server.upsertTickets([{ id: 'c1', question: 'q', answer: 'a', source: 'corrections', metadata: {} }]);
    await server.listTickets({ source: 'helpdesk' });
    await server.listTickets({ source: 'corrections' });
    expect(await statementsDuring(server, () => server.listTickets({ source: 'corrections' }))).toBe(0);
    expect(await statementsDuring(server, () => server.listTickets({ source: 'helpdesk' }))).toBeGreaterThan(0);
  });
});

describe('writtenTables', () => {
  it('names the tables a statement writes to', () => {
    expect(writtenTables('INSERT INTO facts (scope) VALUES ($1) ON CONFLICT (scope, name) DO UPDATE SET value = 1')).toEqual(['facts', 'set']);
    expect(writtenTables('UPDATE answer_cluster_scopes SET version = version + 1')).toEqual(['answer_cluster_scopes']);
    expect(writtenTables('delete from "Tickets" where id = $1')).toEqual(['tickets']);
    expect(writtenTables('INSERT OR IGNORE INTO outbox (id) VALUES (1)')).toEqual(['outbox']);
    expect(writtenTables('SELECT * FROM facts')).toEqual([]);
  });
});
