import type { AnswerClusterRecord, ClusterMemberRecord } from '../../bot/core/index.js';
import { centralMember, type AnswerGroup, type AnswerPrint } from './group.js';

/**
 * Turns freshly computed answer groups into a scope's clusters while keeping what reviewers did: a group keeps the id
 * (and so the name, reviewed text and approval) of the earlier cluster most of its tickets were in; tickets a reviewer
 * placed (merge, split) stay where they were placed; an approved cluster keeps its approved text and a renamed one its
 * name when members come and go. Pure.
 */

/** Input of {@link reconcileClusters}. */
export interface ReconcileInput {
  scope: string | null;
  previous: { clusters: readonly AnswerClusterRecord[]; members: readonly ClusterMemberRecord[] };
  groups: readonly AnswerGroup[];
  /** Every current ticket's answer print, by ticket id. */
  prints: ReadonlyMap<string, AnswerPrint>;
  now: string;
  newId: () => string;
}

/** Most characters of a generated name. */
const NAME_CHARS = 60;

/** A generated name: the linked article, the macro, or the canonical answer's first words. */
export function clusterName(key: string, canonical: string): string {
  const clip = (text: string) => (text.length <= NAME_CHARS ? text : `${text.slice(0, NAME_CHARS - 1).replace(/\s+\S*$/, '')}…`);
  if (key.startsWith('link:')) return clip(key.slice(5));
  if (key.startsWith('macro:')) return clip(`macro ${key.slice(6)}`);
  const first = canonical.split(/(?<=[.!?])\s+|\n/)[0]?.trim() ?? '';
  return clip(first || '(nothing sayable)');
}

/** Counts of `values`, largest first (ties by value). */
function ranked(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The scope's clusters and memberships after recomputation (see the module comment). Clusters without members go. */
export function reconcileClusters(input: ReconcileInput): { clusters: AnswerClusterRecord[]; members: ClusterMemberRecord[] } {
  const before = new Map(input.previous.clusters.map((c) => [c.id, c]));
  const previousOf = new Map(input.previous.members.map((m) => [m.ticketId, m]));
  const pinnedTo = (ticketId: string): string | undefined => {
    const member = previousOf.get(ticketId);
    return member?.pinned && before.has(member.clusterId) && input.prints.has(ticketId) ? member.clusterId : undefined;
  };
  const taken = new Set<string>();
  const placement = new Map<string, { clusterId: string; pinned: boolean }>();
  const keys = new Map<string, string>();
  for (const group of [...input.groups].sort((a, b) => b.ticketIds.length - a.ticketIds.length)) {
    const free = group.ticketIds.filter((id) => !pinnedTo(id));
    // The earlier cluster most of the group's unplaced tickets were in, unless a larger group claimed it already …
    let target = ranked(free.flatMap((id) => previousOf.get(id)?.clusterId ?? []).filter((id) => before.has(id))).find(([id]) => !taken.has(id))?.[0];
    // … else the cluster a reviewer placed most of its other tickets in (merged clusters keep gaining members) …
    target ??= ranked(group.ticketIds.flatMap((id) => pinnedTo(id) ?? []))[0]?.[0];
    // … else a new cluster.
    target ??= input.newId();
    taken.add(target);
    if (!keys.has(target)) keys.set(target, group.key);
    for (const id of free) placement.set(id, { clusterId: target, pinned: false });
  }
  for (const id of input.prints.keys()) {
    const pinned = pinnedTo(id);
    if (pinned) placement.set(id, { clusterId: pinned, pinned: true });
  }
  const membersOf = new Map<string, string[]>();
  for (const [ticketId, place] of placement) membersOf.set(place.clusterId, [...(membersOf.get(place.clusterId) ?? []), ticketId]);
  const clusters: AnswerClusterRecord[] = [];
  for (const [id, ticketIds] of membersOf) {
    const prints = ticketIds.sort().map((t) => input.prints.get(t)).filter((p): p is AnswerPrint => p !== undefined);
    const canonical = centralMember(prints)?.text ?? '';
    const old = before.get(id);
    const key = keys.get(id) ?? old?.key ?? 'text';
    const changed = !old || old.canonicalText !== canonical || old.size !== ticketIds.length;
    clusters.push({
      id,
      scope: input.scope,
      name: old?.namedBy ? old.name : clusterName(key, canonical),
      namedBy: old?.namedBy ?? null,
      key,
      canonicalText: canonical,
      reviewedText: old?.reviewedText ?? null,
      status: old?.status ?? 'draft',
      reviewedBy: old?.reviewedBy ?? null,
      reviewedAt: old?.reviewedAt ?? null,
      size: ticketIds.length,
      createdAt: old?.createdAt ?? input.now,
      updatedAt: changed ? input.now : (old?.updatedAt ?? input.now),
    });
  }
  const members = [...placement].map(([ticketId, place]) => ({ ticketId, clusterId: place.clusterId, pinned: place.pinned })).sort((a, b) => a.ticketId.localeCompare(b.ticketId));
  return { clusters: clusters.sort((a, b) => b.size - a.size || a.id.localeCompare(b.id)), members };
}
