import type { TicketRecord } from './store.js';

/** Tickets changed after a sequence number: the current version of upserted ones and the ids of deleted ones. */
export interface TicketChanges {
  /** The sequence number these changes bring a reader up to (the `sinceSeq` asked for when nothing changed). */
  seq: number;
  upserted: TicketRecord[];
  deleted: string[];
}

/** Lifecycle of a knowledge model version: written while `building`, used once `ready`, `retired` when replaced. */
export type KnowledgeModelStatus = 'building' | 'ready' | 'retired';

/** A stored knowledge model version (the serialized model itself is read with {@link KnowledgeStore.loadModel}). */
export interface KnowledgeModelRecord {
  version: number;
  status: KnowledgeModelStatus;
  /** The ticket change sequence the model was fitted at: changes after it are folded in with the fixed model. */
  fittedSeq: number;
  /** How many tickets the model was fitted on. */
  tickets: number;
  createdAt: string;
  readyAt: string | null;
}

/** One ticket's encoded vectors for a model version (an opaque binary the knowledge base writes and reads). */
export interface TicketVectorRecord {
  ticketId: string;
  /** The ticket change sequence at which the ticket was encoded (a newer change needs encoding again). */
  seq: number;
  vectors: Uint8Array;
}

/**
 * Knowledge models and the per-ticket vectors encoded with them (migration 13): what lets a start load retrieval
 * instead of learning it again.
 */
export interface KnowledgeStore {
  /**
   * Stores a new model version with status `building` and returns it (its version is one above every other). The
   * model bytes may be written later with {@link saveModel} (a version is reserved before its vectors are written).
   */
  createModel(input: { fittedSeq: number; tickets: number; model?: Uint8Array }): Promise<KnowledgeModelRecord>;
  /** Replaces the serialized model of `version`. */
  saveModel(version: number, model: Uint8Array): Promise<void>;
  /** Stores what the embedded index derived for `version` (its clusters), so a restart need not derive it again. */
  saveIndexSnapshot(version: number, snapshot: Uint8Array): Promise<void>;
  /** The index snapshot of `version`, if one was saved. */
  loadIndexSnapshot(version: number): Promise<Uint8Array | undefined>;
  /** Makes `version` the current model: it becomes `ready`, older ready versions `retired`. */
  publishModel(version: number): Promise<void>;
  /** The newest `ready` model, if any. */
  currentModel(): Promise<KnowledgeModelRecord | undefined>;
  /** The serialized model of `version`, if stored. */
  loadModel(version: number): Promise<Uint8Array | undefined>;
  /** Inserts or replaces vectors of `version`. */
  putVectors(version: number, vectors: readonly TicketVectorRecord[]): Promise<void>;
  /** Vectors of `version` in ticket id order, a page at a time: those with ids after `afterId`, at most `limit` (default 5,000). */
  listVectors(version: number, page?: { afterId?: string; limit?: number }): Promise<TicketVectorRecord[]>;
  /** Vectors of `version` for these tickets (missing ones are left out). */
  getVectors(version: number, ticketIds: readonly string[]): Promise<TicketVectorRecord[]>;
  /** Deletes vectors of `version` for these tickets; returns how many went. */
  deleteVectors(version: number, ticketIds: readonly string[]): Promise<number>;
  /** Deletes model versions (and their vectors) older than `version`, except that version itself; returns how many went. */
  pruneModels(olderThan: number): Promise<number>;
}
