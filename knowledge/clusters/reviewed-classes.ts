import type { Store, TicketRecord } from '../../bot/core/index.js';
import { reviewedAnswerAliases } from '../retrieval/answer-clusters.js';

/**
 * The answer classes CX leads' reviews make for retrieval's answer-cluster model (see `reviewedAnswerAliases`): read
 * from the stored clusters of every scope `tickets` are in. A cluster counts as reviewed once a lead approved its text
 * or placed tickets in it (merge, split). Empty when nothing was reviewed.
 */
export async function reviewedClasses(store: Pick<Store, 'clusters'>, tickets: readonly TicketRecord[]): Promise<Map<string, string>> {
  const membership = new Map<string, string>();
  const reviewed = new Set<string>();
  for (const scope of new Set(tickets.map((t) => t.scope ?? null))) {
    const state = await store.clusters.scopeState(scope);
    for (const member of state.members) {
      membership.set(member.ticketId, member.clusterId);
      if (member.pinned) reviewed.add(member.clusterId);
    }
    for (const cluster of state.clusters) if (cluster.status === 'approved') reviewed.add(cluster.id);
  }
  return reviewed.size ? reviewedAnswerAliases(tickets, membership, reviewed) : new Map();
}
