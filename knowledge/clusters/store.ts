/** Review state of an answer cluster: `draft` until a CX lead approves its text, then `approved`. */
export type ClusterStatus = 'draft' | 'approved';

/**
 * An answer cluster: tickets whose answers say the same thing (the same linked article or macro, or near-identical
 * text), with one canonical answer without the past customers' specifics, and the CX lead's review of it.
 */
export interface AnswerClusterRecord {
  id: string;
  /** The knowledge scope of its tickets, or null for shared tickets. */
  scope: string | null;
  name: string;
  /** Who named it (a reviewer's e-mail), or null when the name was generated. */
  namedBy: string | null;
  /** What ties the tickets together: `link:<host/path>`, `macro:<id>` or `text`. */
  key: string;
  /** The canonical answer computed from the members: the most central one, de-personalised. */
  canonicalText: string;
  /** The reviewer's text (edited, or the canonical text as it was approved), or null before any review. */
  reviewedText: string | null;
  status: ClusterStatus;
  reviewedBy: string | null;
  reviewedAt: string | null;
  /** Number of member tickets. */
  size: number;
  createdAt: string;
  updatedAt: string;
}

/** A ticket's place in a cluster. */
export interface ClusterMemberRecord {
  ticketId: string;
  clusterId: string;
  /** Placed by a reviewer (merge, split): recomputation keeps the ticket in that cluster. */
  pinned: boolean;
}

/** A scope's clusters and memberships as written by {@link ClusterStore.replaceScope}. */
export interface ClusterScopeState {
  /** Incremented by every write of the scope (optimistic concurrency). 0 before the first. */
  version: number;
  /** Digest of the tickets the clusters were computed from ('' before the first computation). */
  sourceHash: string;
  clusters: AnswerClusterRecord[];
  members: ClusterMemberRecord[];
}

/** Fields a reviewer changes on one cluster. */
export interface ClusterReview {
  name?: string;
  namedBy?: string | null;
  reviewedText?: string | null;
  status?: ClusterStatus;
  reviewedBy?: string | null;
  reviewedAt?: string | null;
}

/** Answer clusters per knowledge scope (migration 17): clusters, memberships and the CX leads' reviews. */
export interface ClusterStore {
  /** Clusters, largest first (then by id); with `scope`, only that scope's (null: the shared tickets' clusters). */
  list(filter?: { scope: string | null }): Promise<AnswerClusterRecord[]>;
  get(id: string): Promise<AnswerClusterRecord | undefined>;
  /** Members of a cluster, by ticket id. */
  members(clusterId: string): Promise<ClusterMemberRecord[]>;
  /** The clusters and memberships of one scope, with its version. */
  scopeState(scope: string | null): Promise<ClusterScopeState>;
  /**
   * Replaces everything of one scope (clusters, memberships, source digest) when its version is still
   * `expectedVersion`, and increments the version; false (and nothing written) when another writer came first.
   */
  replaceScope(scope: string | null, expectedVersion: number, state: Omit<ClusterScopeState, 'version'>): Promise<boolean>;
  /** Changes one cluster's review fields (and its scope's version); undefined when there is no such cluster. */
  review(id: string, review: ClusterReview): Promise<AnswerClusterRecord | undefined>;
  /** The clusters of these tickets (tickets in none are left out). */
  forTickets(ticketIds: readonly string[]): Promise<{ ticketId: string; cluster: AnswerClusterRecord }[]>;
  /** A value that changes whenever any scope's clusters change (caches compare it). */
  stamp(): Promise<string>;
}
