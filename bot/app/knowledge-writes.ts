import type { IngestResult, KnowledgeBase, PrepareOptions } from '../../knowledge/index.js';
import { InProcessLock, type TicketRecord } from '../core/index.js';

/** Changes to the knowledge base made by the server's own writers (tickets API, helpdesk sync), one at a time. */
export interface KnowledgeWrites {
  ingest(tickets: TicketRecord[], options?: PrepareOptions): Promise<IngestResult>;
  remove(ids: string[]): Promise<number>;
  reject(id: string): Promise<unknown>;
}

/**
 * Runs the server's writes to `knowledge` one after another: two requests that change tickets at once must not
 * interleave their store writes and reloads (a reload that read the store before the other write could finish last
 * and hide it).
 */
export function serializedKnowledgeWrites(knowledge: KnowledgeBase): KnowledgeWrites {
  const lock = new InProcessLock();
  const run = <T>(work: () => Promise<T>) => lock.run('knowledge', work);
  return {
    ingest: (tickets, options) => run(() => knowledge.ingest(tickets, options)),
    remove: (ids) => run(() => knowledge.remove(ids)),
    reject: (id) => run(() => knowledge.reject(id)),
  };
}
