import { createHash } from 'node:crypto';
import { newId, ParleyError, type AnswerClusterRecord, type ClusterMemberRecord, type ClusterScopeState, type Store, type TicketRecord } from '../../bot/core/index.js';
import { answerPrint, centralMember, DEFAULT_MACRO_FIELDS, groupPrints, printAll, type AnswerPrint, type GroupOptions } from './group.js';
import { reconcileClusters } from './reconcile.js';
import { slicedPause } from '../steps.js';
import { DEPERSONALISATION_REVISION } from '../generation/depersonalise.js';

/** The answer the bot says for a ticket of a cluster: the approved text, else the canonical de-personalised one. */
export interface CanonicalAnswer {
  clusterId: string;
  name: string;
  text: string;
  /** True when a CX lead approved the text (said as written, slots filled). */
  approved: boolean;
}

/** A cluster with its member tickets, as `parley knowledge clusters show` and the dashboard show it. */
export interface ClusterDetail {
  cluster: AnswerClusterRecord;
  /** The text the bot says for its tickets. */
  answerText: string;
  members: { ticketId: string; pinned: boolean; question: string | null; answer: string | null }[];
}

/** Options of {@link AnswerClusters}. */
export interface AnswerClustersOptions {
  /** Quiet time after a ticket change before clusters are recomputed in the background (ms); default 500. */
  debounceMs?: number;
  grouping?: Omit<GroupOptions, 'yieldEvery'>;
  /** Errors of background recomputation (default: kept as `lastError`). */
  onError?: (error: unknown) => void;
}

/** What one recomputation did. */
export interface RecomputeSummary {
  /** Scopes whose clusters were computed again (unchanged scopes are skipped). */
  scopes: string[];
  clusters: number;
  tickets: number;
  ms: number;
}

const scopeOf = (ticket: TicketRecord): string | null => ticket.scope ?? null;
const scopeName = (scope: string | null): string => scope ?? '*';
/** Tickets whose answers {@link AnswerClusters.canonicalFor} keeps (all are forgotten when more are asked for). */
const KNOWN_TICKETS = 50_000;
/** Writes retried when another writer (a reviewer, another process) changed the scope meanwhile. */
const WRITE_ATTEMPTS = 4;

/**
 * Digest of what a scope's clusters depend on: its tickets' ids, questions and answers (and macro fields), and the
 * revision of the de-personalisation their canonical texts were made with.
 */
function sourceHash(tickets: readonly TicketRecord[], macroFields: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`depersonalisation:${DEPERSONALISATION_REVISION}`);
  for (const t of [...tickets].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(JSON.stringify([t.id, t.question, t.answer, macroFields.map((f) => t.metadata[f] ?? null)]));
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The answer clusters of a knowledge base, kept in the store per knowledge scope: recomputed in the background after
 * tickets change (only scopes whose tickets changed; reviews survive, see {@link reconcileClusters}), reviewed by CX
 * leads (rename, merge, split, edit, approve), and read on every answer ({@link canonicalFor}).
 */
export class AnswerClusters {
  readonly #store: Store;
  readonly #tickets: () => Iterable<TicketRecord>;
  readonly #options: AnswerClustersOptions;
  #timer: NodeJS.Timeout | undefined;
  /** Resolves when the scheduled (not yet started) recomputation has run. */
  #pending: { promise: Promise<void>; resolve: () => void } | undefined;
  #running: Promise<void> = Promise.resolve();
  #closed = false;
  /** Answer prints by ticket id, with the text they were made from: a recomputation prints only changed tickets. */
  readonly #printed = new Map<string, { source: string; print: AnswerPrint }>();
  /** What {@link canonicalFor} read, by ticket id (null: nothing to say), while the clusters' stamp is `stamp`. */
  #known: { stamp: string; byTicket: Map<string, CanonicalAnswer | null> } | undefined;
  /** The last error of background recomputation, if any. */
  lastError: string | undefined;

  /** `tickets` lists the searchable tickets (the knowledge base's current ones). */
  constructor(store: Store, tickets: () => Iterable<TicketRecord>, options: AnswerClustersOptions = {}) {
    this.#store = store;
    this.#tickets = tickets;
    this.#options = options;
  }

  /** Recomputes in the background after a quiet time (changes in a burst share one recomputation). */
  schedule(): void {
    if (this.#closed) return;
    if (!this.#pending) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#pending = { promise, resolve };
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#start(), this.#options.debounceMs ?? 500);
    this.#timer.unref();
  }

  /** Starts the scheduled recomputation after the running one. */
  #start(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    this.#running = this.#running
      .then(() => this.recompute())
      .then(
        () => undefined,
        (error: unknown) => {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.#options.onError?.(error);
        },
      )
      .finally(() => pending?.resolve());
  }

  /** Runs a scheduled recomputation now (without waiting for the quiet time) and resolves once all are done. */
  async settled(): Promise<void> {
    const pending = this.#pending;
    if (pending) {
      this.#start();
      await pending.promise;
    }
    await this.#running;
  }

  /** Stops scheduling and waits for a running recomputation. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending?.resolve();
    this.#pending = undefined;
    await this.#running;
  }

  /** Computes the clusters of every scope whose tickets changed since its clusters were computed, now. */
  async recompute(): Promise<RecomputeSummary> {
    const started = performance.now();
    const macroFields = this.#options.grouping?.macroFields ?? DEFAULT_MACRO_FIELDS;
    const byScope = new Map<string | null, TicketRecord[]>();
    for (const ticket of this.#tickets()) byScope.set(scopeOf(ticket), [...(byScope.get(scopeOf(ticket)) ?? []), ticket]);
    for (const cluster of await this.#store.clusters.list()) if (!byScope.has(cluster.scope)) byScope.set(cluster.scope, []);
    // Prints of deleted tickets are not needed again.
    const live = new Set([...byScope.values()].flatMap((list) => list.map((t) => t.id)));
    for (const id of this.#printed.keys()) if (!live.has(id)) this.#printed.delete(id);
    const summary: RecomputeSummary = { scopes: [], clusters: 0, tickets: 0, ms: 0 };
    for (const [scope, tickets] of byScope) {
      const hash = sourceHash(tickets, macroFields);
      if ((await this.#store.clusters.scopeState(scope)).sourceHash === hash) continue;
      const prints = await this.#prints(tickets);
      const groups = await groupPrints([...prints.values()], { ...this.#options.grouping, yieldEvery: slicedPause() });
      const written = await this.#write(scope, (state) => {
        if (state.sourceHash === hash) return undefined;
        return { sourceHash: hash, ...reconcileClusters({ scope, previous: state, groups, prints, now: new Date().toISOString(), newId: () => newId('clu') }) };
      });
      if (!written) continue;
      summary.scopes.push(scopeName(scope));
      summary.clusters += written.clusters.length;
      summary.tickets += tickets.length;
    }
    summary.ms = Math.round(performance.now() - started);
    return summary;
  }

  /** The prints of `tickets`, reusing those of unchanged tickets (de-personalising every answer again is the slow part). */
  async #prints(tickets: readonly TicketRecord[]): Promise<Map<string, AnswerPrint>> {
    const macroFields = this.#options.grouping?.macroFields ?? DEFAULT_MACRO_FIELDS;
    const sourceOf = (t: TicketRecord) => JSON.stringify([t.question, t.answer, macroFields.map((f) => t.metadata[f] ?? null)]);
    const stale = tickets.filter((t) => this.#printed.get(t.id)?.source !== sourceOf(t));
    const fresh = await printAll(stale, { ...this.#options.grouping, yieldEvery: slicedPause() });
    stale.forEach((ticket, i) => this.#printed.set(ticket.id, { source: sourceOf(ticket), print: fresh[i] as AnswerPrint }));
    return new Map(tickets.map((t) => [t.id, (this.#printed.get(t.id) as { print: AnswerPrint }).print]));
  }

  /**
   * Reads a scope's state, lets `change` compute the next one (undefined: nothing to write) and writes it unless
   * another writer came first, then tries again. Returns what was written.
   */
  async #write(scope: string | null, change: (state: ClusterScopeState) => Omit<ClusterScopeState, 'version'> | undefined): Promise<Omit<ClusterScopeState, 'version'> | undefined> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const state = await this.#store.clusters.scopeState(scope);
      const next = change(state);
      if (!next) return undefined;
      if (await this.#store.clusters.replaceScope(scope, state.version, next)) return next;
    }
    throw new ParleyError('storage_failed', `the clusters of scope ${scopeName(scope)} kept changing while being written; try again`);
  }

  /** Clusters, largest first; with `scope`, that scope's only (null: the shared tickets'). */
  list(filter?: { scope: string | null }): Promise<AnswerClusterRecord[]> {
    return this.#store.clusters.list(filter);
  }

  /**
   * Clusters for review, largest first (at most `limit`, default 200), each with the text the bot says and up to
   * `samples` (default 3) of its tickets' questions.
   */
  async overview(filter?: { scope: string | null }, options: { limit?: number; samples?: number } = {}): Promise<(AnswerClusterRecord & { answerText: string; sampleQuestions: string[] })[]> {
    const clusters = (await this.list(filter)).slice(0, options.limit ?? 200);
    const tickets = this.#ticketMap();
    const out: (AnswerClusterRecord & { answerText: string; sampleQuestions: string[] })[] = [];
    for (const cluster of clusters) {
      const members = await this.#store.clusters.members(cluster.id);
      const sampleQuestions = members.flatMap((m) => tickets.get(m.ticketId)?.question ?? []).slice(0, options.samples ?? 3);
      out.push({ ...cluster, answerText: answerTextOf(cluster), sampleQuestions });
    }
    return out;
  }

  /** A cluster with its members' questions and answers; `not_found` for an unknown id. */
  async show(id: string): Promise<ClusterDetail> {
    const cluster = await this.#cluster(id);
    const members = await this.#store.clusters.members(id);
    const tickets = this.#ticketMap();
    return {
      cluster,
      answerText: answerTextOf(cluster),
      members: members.map((m) => ({ ticketId: m.ticketId, pinned: m.pinned, question: tickets.get(m.ticketId)?.question ?? null, answer: tickets.get(m.ticketId)?.answer ?? null })),
    };
  }

  /** Renames a cluster (the name stays through recomputation). */
  async rename(id: string, name: string, by: string): Promise<AnswerClusterRecord> {
    await this.#cluster(id);
    return this.#reviewed(id, await this.#store.clusters.review(id, { name: checkText(name, 'name', 200), namedBy: by }));
  }

  /** Replaces the text the bot says for a cluster; it stays a draft until approved. */
  async edit(id: string, text: string, by: string): Promise<AnswerClusterRecord> {
    await this.#cluster(id);
    return this.#reviewed(id, await this.#store.clusters.review(id, { reviewedText: checkText(text, 'text', 4000), status: 'draft', reviewedBy: by, reviewedAt: new Date().toISOString() }));
  }

  /** Approves a cluster's text (the edited one, else the canonical one as it is now): the bot says it for every member. */
  async approve(id: string, by: string): Promise<AnswerClusterRecord> {
    const cluster = await this.#cluster(id);
    const text = cluster.reviewedText ?? cluster.canonicalText;
    if (!text.trim()) throw new ParleyError('bad_request', `cluster ${id} has no text to approve: edit it first (--text)`);
    return this.#reviewed(id, await this.#store.clusters.review(id, { reviewedText: text, status: 'approved', reviewedBy: by, reviewedAt: new Date().toISOString() }));
  }

  /** Moves every ticket of `others` into `target` (kept there through recomputation); the others are removed. */
  async merge(target: string, others: readonly string[], by: string): Promise<AnswerClusterRecord> {
    const into = await this.#cluster(target);
    if (others.length === 0) throw new ParleyError('bad_request', 'ids: name at least one cluster to merge into the first');
    for (const id of others) {
      if (id === target) throw new ParleyError('bad_request', `ids: cannot merge cluster ${id} into itself`);
      const other = await this.#cluster(id);
      if (other.scope !== into.scope) throw new ParleyError('bad_request', `ids: cluster ${id} is in scope ${scopeName(other.scope)}, ${target} in ${scopeName(into.scope)}`);
    }
    await this.#write(into.scope, (state) => {
      const moving = new Set(others);
      const members = state.members.map((m) => (moving.has(m.clusterId) ? { ...m, clusterId: target, pinned: true } : m));
      const clusters = state.clusters.filter((c) => !moving.has(c.id));
      return { sourceHash: state.sourceHash, ...this.#resized(clusters, members, target, by) };
    });
    return this.#cluster(target);
  }

  /** Moves `ticketIds` of cluster `id` into a new draft cluster (kept apart through recomputation); returns it. */
  async split(id: string, ticketIds: readonly string[], by: string): Promise<AnswerClusterRecord> {
    const from = await this.#cluster(id);
    const current = new Set((await this.#store.clusters.members(id)).map((m) => m.ticketId));
    const unknown = ticketIds.filter((t) => !current.has(t));
    if (ticketIds.length === 0 || unknown.length) throw new ParleyError('bad_request', `tickets: ${ticketIds.length ? `${unknown.join(', ')} not in cluster ${id}` : 'name the tickets to split off'}`);
    if (ticketIds.length === current.size) throw new ParleyError('bad_request', `tickets: leave at least one ticket in cluster ${id}`);
    const created = newId('clu');
    await this.#write(from.scope, (state) => {
      const moving = new Set(ticketIds);
      const members = state.members.map((m) => (moving.has(m.ticketId) ? { ...m, clusterId: created, pinned: true } : m));
      const at = new Date().toISOString();
      const fresh: AnswerClusterRecord = { ...from, id: created, name: `${from.name} (split)`.slice(0, 200), namedBy: by, reviewedText: null, status: 'draft', reviewedBy: null, reviewedAt: null, createdAt: at, updatedAt: at };
      const resized = this.#resized([...state.clusters, fresh], members, id, by);
      return { sourceHash: state.sourceHash, ...this.#resized(resized.clusters, resized.members, created, by) };
    });
    return this.#cluster(created);
  }

  /**
   * The answers the bot says for these tickets (tickets in no cluster, or whose cluster has nothing sayable, are left
   * out). Read on every answer: what was read is kept while the clusters' stamp (moved by every recomputation and
   * review, in this process or another) stays the same, so a turn reads the stamp, and the clusters only of tickets
   * not looked up since the clusters last changed.
   */
  async canonicalFor(ticketIds: readonly string[]): Promise<Map<string, CanonicalAnswer>> {
    const found = new Map<string, CanonicalAnswer>();
    if (ticketIds.length === 0) return found;
    // The stamp first: what is read after it is at least as new as it, never older.
    const stamp = await this.#store.clusters.stamp();
    if (this.#known?.stamp !== stamp) this.#known = { stamp, byTicket: new Map() };
    const known = this.#known.byTicket;
    const read = new Map<string, CanonicalAnswer | null>();
    for (const id of ticketIds) if (!known.has(id)) read.set(id, null);
    if (read.size) {
      for (const { ticketId, cluster } of await this.#store.clusters.forTickets([...read.keys()])) {
        const text = answerTextOf(cluster);
        read.set(ticketId, text.trim() ? Object.freeze({ clusterId: cluster.id, name: cluster.name, text, approved: cluster.status === 'approved' }) : null);
      }
      // Kept once read whole: a turn asking meanwhile reads for itself rather than find a ticket half looked up.
      if (known.size + read.size > KNOWN_TICKETS) known.clear();
      for (const [id, answer] of read) known.set(id, answer);
    }
    for (const id of ticketIds) {
      const answer = read.get(id) ?? known.get(id);
      if (answer) found.set(id, answer);
    }
    return found;
  }

  /** Sizes and canonical text of `changed` after a move; clusters left without members go. */
  #resized(clusters: AnswerClusterRecord[], members: ClusterMemberRecord[], changed: string, by: string): { clusters: AnswerClusterRecord[]; members: ClusterMemberRecord[] } {
    const tickets = this.#ticketMap();
    const sizes = new Map<string, number>();
    for (const m of members) sizes.set(m.clusterId, (sizes.get(m.clusterId) ?? 0) + 1);
    const at = new Date().toISOString();
    const next = clusters
      .filter((c) => (sizes.get(c.id) ?? 0) > 0)
      .map((c) => {
        if (c.id !== changed) return { ...c, size: sizes.get(c.id) ?? 0 };
        const prints = members.filter((m) => m.clusterId === c.id).flatMap((m) => tickets.get(m.ticketId) ?? []);
        const central = centralMember(prints.map((t) => printOf(t)));
        return { ...c, size: sizes.get(c.id) ?? 0, canonicalText: central?.text ?? c.canonicalText, updatedAt: at, reviewedBy: c.reviewedBy ?? by };
      });
    return { clusters: next, members };
  }

  #ticketMap(): Map<string, TicketRecord> {
    return new Map([...this.#tickets()].map((t) => [t.id, t]));
  }

  async #cluster(id: string): Promise<AnswerClusterRecord> {
    const cluster = await this.#store.clusters.get(id);
    if (!cluster) throw new ParleyError('not_found', `no answer cluster ${id}`);
    return cluster;
  }

  #reviewed(id: string, cluster: AnswerClusterRecord | undefined): AnswerClusterRecord {
    if (!cluster) throw new ParleyError('not_found', `no answer cluster ${id}`);
    return cluster;
  }
}

/** The text the bot says for a cluster's tickets: the approved text, else the canonical one. */
export function answerTextOf(cluster: AnswerClusterRecord): string {
  return cluster.status === 'approved' && cluster.reviewedText ? cluster.reviewedText : cluster.canonicalText;
}

const printCache = new WeakMap<TicketRecord, AnswerPrint>();
/** A ticket's answer print, kept while the ticket object lives. */
function printOf(ticket: TicketRecord): AnswerPrint {
  let print = printCache.get(ticket);
  if (!print) {
    print = answerPrint(ticket);
    printCache.set(ticket, print);
  }
  return print;
}

/** Reviewer text, trimmed; `bad_request` naming the field when blank or too long. */
function checkText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (!text) throw new ParleyError('bad_request', `${field}: is required (a non-empty text)`);
  if (text.length > max) throw new ParleyError('bad_request', `${field}: at most ${max} characters`);
  return text;
}
