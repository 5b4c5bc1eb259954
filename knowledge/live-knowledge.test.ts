import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../bot/storage/index.js';
import { readTicketsFile } from './ingest/parse.js';
import { KnowledgeBase } from './knowledge-base.js';
import type { KnowledgeSignal } from './live/signal.js';
import { describeLiveKnowledge } from './live-knowledge-suite.js';
import { sampleTicketsPath } from './sample-data/path.js';
import { waitFor } from '../bot/core/testing/wait.js';

describeLiveKnowledge('two instances on one SQLite file', async () => {
  const home = await mkdtemp(join(tmpdir(), 'parley-live-'));
  const stores = [await openStore({ home }), await openStore({ home })] as const;
  return {
    stores: [stores[0], stores[1]],
    async cleanup() {
      await stores[0].close();
      await stores[1].close();
      await rm(home, { recursive: true, force: true });
    },
  };
});

describe('live knowledge with a change signal', () => {
  it('notifies the sequence after a write, and a subscriber refreshes at once (no polling)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-live-signal-'));
    const stores = [await openStore({ home }), await openStore({ home })] as const;
    const listeners = new Set<(seq?: number) => void>();
    const notified: number[] = [];
    const signal: KnowledgeSignal = {
      async notify(seq) {
        notified.push(seq);
        for (const listener of listeners) listener(seq);
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async close() {},
    };
    try {
      const writer = new KnowledgeBase(stores[0], { pollMs: 0, refitUpTo: 0, signal });
      await writer.load();
      await writer.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
      const reader = new KnowledgeBase(stores[1], { pollMs: 0, refitUpTo: 0, signal });
      await reader.load();
      const ticket = {
        id: 'SIG-1',
        question: 'my gift card balance vanished after the exchange of the jacket, where did my store credit go?',
        answer: 'An exchange refunds the gift card balance as store credit to your account within a day.',
        source: 'live',
        // The sample tickets carry categories: an unlabelled ticket would rank below labelled ones.
        metadata: { category: 'returns' },
      };
      expect((await writer.search(ticket.question)).map((h) => h.ticket.id)).not.toContain(ticket.id);
      await writer.ingest([ticket]);
      expect(notified.at(-1)).toBe(await stores[0].ticketSeq());
      expect((await writer.search(ticket.question)).map((h) => h.ticket.id)).toContain(ticket.id);
      await waitFor(async () => (await reader.search(ticket.question)).some((h) => h.ticket.id === ticket.id), 2_000, 'the other process to find the new ticket').catch(async (error: Error) => {
        throw new Error(`${error.message}; its status: ${JSON.stringify(await reader.status())}`);
      });
      await writer.close();
      await reader.close();
      expect(listeners.size).toBe(0);
    } finally {
      await stores[0].close();
      await stores[1].close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
