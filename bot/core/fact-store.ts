/**
 * An operator fact: a value answers may state (support phone, opening hours, website, a policy), set with
 * `parley facts set NAME VALUE`. `scope` null: shared by every knowledge scope; a scope's own fact wins there.
 */
export interface FactRecord {
  /** The knowledge scope the fact belongs to, or null for every scope. */
  scope: string | null;
  /** The fact's name as normalised by the caller (`phone`, `customer_support_hours`). */
  name: string;
  value: string;
  updatedAt: string;
}

/** Operator facts (migration 15): one value per name and scope. */
export interface FactStore {
  /** Sets (or replaces) a fact and returns it. */
  set(fact: { scope: string | null; name: string; value: string }): Promise<FactRecord>;
  /**
   * Facts ordered by scope (shared first) and name: every fact without a filter; with `scope`, the shared facts and
   * that scope's (null: the shared ones only).
   */
  list(filter?: { scope: string | null }): Promise<FactRecord[]>;
  /** Removes a fact; false when there was none of that name in that scope. */
  unset(name: string, scope: string | null): Promise<boolean>;
}
