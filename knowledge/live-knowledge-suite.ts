import { describe, expect, it, jest } from '@jest/globals';
import type { Store, TicketRecord } from '../bot/core/index.js';
import { readTicketsFile } from './ingest/parse.js';
import { KnowledgeBase, type KnowledgeBaseOptions } from './knowledge-base.js';
import { KnowledgeModel } from './model/knowledge-model.js';
import { sampleTicketsPath } from './sample-data/path.js';

/** Two stores on one database (two processes, as far as knowledge is concerned) and how to throw them away. */
export interface StorePair {
  stores: [Store, Store];
  cleanup(): Promise<void>;
}

/** A ticket in the sample tickets' words (known to a model fitted on them), with a distinctive phrasing. */
const NEW_TICKET: TicketRecord = {
  id: 'LIVE-1',
  question: 'my gift card balance vanished after the exchange of the jacket, where did my store credit go?',
  answer: 'An exchange refunds the gift card balance as store credit to your account within a day.',
  source: 'live',
  metadata: { category: 'returns' },
};

const ids = (hits: { ticket: { id: string } }[]) => hits.map((h) => h.ticket.id);

/**
 * Persisted, live knowledge on a store engine: restart without fitting, incremental ingest and remove without a
 * refit, another instance's changes through `refresh`, and refits that swap atomically. Run for SQLite and PostgreSQL.
 */
export function describeLiveKnowledge(name: string, open: () => Promise<StorePair>, { when = true }: { when?: boolean } = {}): void {
  // Declared but skipped when its service is missing (as the other integration tests do), so the reason shows up.
  (when ? describe : describe.skip)(`live knowledge: ${name}`, () => {
    const options: KnowledgeBaseOptions = { pollMs: 0, refitUpTo: 0 };

    async function loaded(store: Store, extra: KnowledgeBaseOptions = {}): Promise<KnowledgeBase> {
      const knowledge = new KnowledgeBase(store, { ...options, ...extra });
      await knowledge.load();
      return knowledge;
    }

    it('restarts from the persisted model and vectors without fitting, with the same answers and version', async () => {
      const { stores, cleanup } = await open();
      try {
        const first = await loaded(stores[0]);
        await first.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
        const before = await first.status();
        const question = 'how long does a refund take to reach my card?';
        const expected = await first.retrieve(question);
        await first.close();
        const fit = jest.spyOn(KnowledgeModel, 'fit');
        try {
          const restarted = await loaded(stores[1]);
          expect(fit).not.toHaveBeenCalled();
          const status = await restarted.status();
          expect(status).toMatchObject({ version: before.version, tickets: before.tickets, pendingChanges: 0 });
          const again = await restarted.retrieve(question);
          expect(ids(again.hits)).toEqual(ids(expected.hits));
          again.hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected.hits[i]?.score as number, 6));
          expect(again.confidence).toBeCloseTo(expected.confidence, 6);
          await restarted.close();
        } finally {
          fit.mockRestore();
        }
      } finally {
        await cleanup();
      }
    });

    it('makes an ingested ticket searchable and a removed one gone at once, without a refit, and another instance follows', async () => {
      const { stores, cleanup } = await open();
      try {
        const writer = await loaded(stores[0]);
        await writer.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
        const reader = await loaded(stores[1]);
        const version = (await writer.status()).version;
        const fit = jest.spyOn(KnowledgeModel, 'fit');
        try {
          await writer.ingest([NEW_TICKET]);
          expect(ids(await writer.search(NEW_TICKET.question))[0]).toBe(NEW_TICKET.id);
          expect(await writer.status()).toMatchObject({ version, pendingChanges: 1 });
          expect(ids(await reader.search(NEW_TICKET.question))).not.toContain(NEW_TICKET.id);
          expect(await reader.refresh()).toBe(1);
          expect(ids(await reader.search(NEW_TICKET.question))[0]).toBe(NEW_TICKET.id);

          expect(await writer.remove([NEW_TICKET.id])).toBe(1);
          expect(ids(await writer.search(NEW_TICKET.question))).not.toContain(NEW_TICKET.id);
          await reader.refresh();
          expect(ids(await reader.search(NEW_TICKET.question))).not.toContain(NEW_TICKET.id);
          expect(reader.get(NEW_TICKET.id)).toBeUndefined();
          expect(fit).not.toHaveBeenCalled();
          const status = await reader.status();
          expect(status.appliedSeq).toBe(status.storeSeq);
        } finally {
          fit.mockRestore();
          await writer.close();
          await reader.close();
        }
      } finally {
        await cleanup();
      }
    });

    it('polls other instances\' changes within seconds', async () => {
      const { stores, cleanup } = await open();
      try {
        const writer = await loaded(stores[0]);
        await writer.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
        const reader = await loaded(stores[1], { pollMs: 100 });
        await writer.ingest([NEW_TICKET]);
        const started = Date.now();
        while (!ids(await reader.search(NEW_TICKET.question)).includes(NEW_TICKET.id)) {
          expect(Date.now() - started).toBeLessThan(5_000);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await writer.close();
        await reader.close();
      } finally {
        await cleanup();
      }
    });

    // A refit beside a loop of queries: 2–3 s alone (the test 6 s), past Jest's 30 s beside a loaded CI run's other worker.
    it('refits into a new version while queries keep being answered, swaps it in, and another instance loads it', async () => {
      const { stores, cleanup } = await open();
      try {
        const writer = await loaded(stores[0]);
        await writer.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
        const reader = await loaded(stores[1]);
        await writer.ingest([{ ...NEW_TICKET, question: 'zorblax quuxification of my parcel', answer: 'Zorblax parcels are quuxified on Mondays.' }]);
        // Words the model never saw cannot be searched by until a refit learns them.
        expect(ids(await writer.search('zorblax quuxification'))).not.toContain(NEW_TICKET.id);
        const version = (await writer.status()).version;
        let done = false;
        const refit = writer.refit().then(() => (done = true));
        let answered = 0;
        while (!done) {
          const retrieval = await writer.retrieve('where is my order?');
          expect(retrieval.hits.length).toBeGreaterThan(0);
          answered++;
          await new Promise((resolve) => setImmediate(resolve));
        }
        await refit;
        expect(answered).toBeGreaterThan(0);
        expect(await writer.status()).toMatchObject({ version: version + 1, pendingChanges: 0 });
        expect(ids(await writer.search('zorblax quuxification'))[0]).toBe(NEW_TICKET.id);
        await reader.refresh();
        expect((await reader.status()).version).toBe(version + 1);
        expect(ids(await reader.search('zorblax quuxification'))[0]).toBe(NEW_TICKET.id);
        await writer.close();
        await reader.close();
      } finally {
        await cleanup();
      }
    }, 90_000);
  });
}
