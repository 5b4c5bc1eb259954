import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, TicketRecord } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { KnowledgeBase } from '../knowledge-base.js';
import { combinedSignal } from './combined-signal.js';
import { pollingSignal } from './polling-signal.js';
import type { KnowledgeListener, KnowledgeSignal } from './signal.js';
import { waitFor } from '../../bot/testing/wait.js';

const t = (id: string, question: string): TicketRecord => ({ id, question, answer: `answer to ${question}`, source: 'a', metadata: {} });

const until = (what: string, check: () => boolean): Promise<boolean> => waitFor(check, 5_000, what);

/** Two processes' worth of signals on one store, linked like a push channel would link them. */
function linkedSignals(count: number): Array<KnowledgeSignal & { notified: number[] }> {
  const all: Array<Set<KnowledgeListener>> = [];
  return Array.from({ length: count }, () => {
    const mine = new Set<KnowledgeListener>();
    all.push(mine);
    const notified: number[] = [];
    return {
      notified,
      async notify(seq: number) {
        notified.push(seq);
        for (const listeners of all) for (const listener of listeners) listener(seq);
      },
      subscribe(listener: KnowledgeListener) {
        mine.add(listener);
        return () => void mine.delete(listener);
      },
      async close() {
        mine.clear();
      },
    };
  });
}

describe('KnowledgeBase with a signal', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-kb-signal-'));
    store = await openStore({ home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('announces its writes with the store counter, and the other knowledge base makes them searchable', async () => {
    const [writerSignal, readerSignal] = linkedSignals(2) as [KnowledgeSignal & { notified: number[] }, KnowledgeSignal & { notified: number[] }];
    const writer = new KnowledgeBase(store, { signal: writerSignal });
    const reader = new KnowledgeBase(store, { signal: readerSignal });
    await Promise.all([writer.load(), reader.load()]);
    await writer.ingest([t('1', 'how do I reset my password'), t('2', 'when will my parcel arrive')]);
    expect(writerSignal.notified.length).toBeGreaterThan(0);
    expect(writerSignal.notified.at(-1)).toBe(await store.ticketSeq());
    await until('the reader reloaded', () => reader.size === 2);
    expect((await reader.search('reset password'))[0]?.ticket.id).toBe('1');
  });

  it('picks up a write of a process that announced nothing, by polling the store', async () => {
    const signal = combinedSignal({ polling: pollingSignal({ readSeq: () => store.ticketSeq(), intervalMs: 50 }), debounceMs: 10 });
    const reader = new KnowledgeBase(store, { signal });
    try {
      await reader.load();
      // Another process without any signal (an older CLI, a helpdesk tool writing the store).
      await new KnowledgeBase(store).ingest([t('9', 'can I change my delivery address')]);
      await until('the reader reloaded', () => reader.size === 1);
      expect(reader.get('9')?.question).toBe('can I change my delivery address');
    } finally {
      await signal.close();
    }
  });

  it('ignores the announcement of the counter it already loaded (its own write)', async () => {
    const [signal] = linkedSignals(1) as [KnowledgeSignal & { notified: number[] }];
    const kb = new KnowledgeBase(store, { signal });
    await kb.load();
    const reads: number[] = [];
    const original = store.listTickets.bind(store);
    store.listTickets = async (filter) => {
      reads.push(Date.now());
      return original(filter);
    };
    await kb.ingest([t('1', 'how do I reset my password')]);
    const readsAfterIngest = reads.length;
    // The announcement reached this knowledge base too, during the ingest; the refresh it started is queued before
    // this one, so it has run when this one returns.
    await kb.refresh();
    // It caused no second reload.
    expect(reads.length).toBe(readsAfterIngest);
    expect(kb.size).toBe(1);
  });
});
