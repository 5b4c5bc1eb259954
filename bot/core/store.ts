import type { Activity, Role } from './activity.js';
import type { EvaluationStore } from '../../evaluations/store.js';
import type { HandoffStore } from '../../dialogs/handoff/store.js';
import type { InboundDeliveryStore } from './inbound-delivery-store.js';
import type { KnowledgeStore, TicketChanges } from './knowledge-store.js';
import type { QuarantineStore } from './quarantine-store.js';
import type { FactStore } from './fact-store.js';
import type { HandoffReason } from './handoff.js';
import type { EngagementStore } from '../../engagement/store.js';
import type { ClusterStore } from '../../knowledge/clusters/store.js';
import type { TryOnStore } from '../../vision/store.js';
import type { JobStore } from './jobs.js';

/** Lifecycle of a conversation: `needs_human` once handed off, until an agent resolves or returns it. */
export type ConversationStatus = 'open' | 'needs_human' | 'closed';

/** A conversation between one customer and Parley on one channel. */
export interface ConversationRecord {
  id: string;
  userId: string;
  channel: string;
  status: ConversationStatus;
  /** Why the conversation needs a human (`customer_request`, `low_confidence`, …); null otherwise. */
  handoffReason: string | null;
  /**
   * The knowledge scope the conversation is answered from (a brand, store, product line or locale), fixed when it
   * starts; null: every ticket.
   */
  scope?: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** One message of a transcript; `activity` keeps the full normalized activity (sources, quick replies, …). */
export interface MessageRecord {
  /** The id of its activity (`activity.id`). */
  id: string;
  conversationId: string;
  role: Role;
  text: string;
  channel: string;
  createdAt: string;
  activity: Activity;
}

/**
 * Where an inbound message is in its life: `accepted` (stored, its turn not started), `processing` (a turn holds a
 * lease on it), `done` or `failed` (the turn ended; its replies are in the outbox).
 */
export type InboxStatus = 'accepted' | 'processing' | 'done' | 'failed';

/** A received channel message in the durable inbox. */
export interface InboxReceipt {
  inboxId: string;
  /** True when (channel, channelMessageId) was already received: do not process it again. */
  duplicate: boolean;
  status: InboxStatus;
  /** From `acceptInbound`: the id of the activity stored for the message (the first delivery's). */
  activityId?: string;
  /**
   * From `acceptInbound` with a lease: the message was claimed under it as it was stored (status `processing`), as
   * `claimInbound` would have; the run's fencing number (1).
   */
  claimedAttempts?: number;
}

/** Who runs a turn and for how long: a turn's lease on its inbox row, renewed (heartbeat) while it runs. */
export interface TurnLease {
  /** The process instance running the turn. */
  owner: string;
  /** How long the lease lasts without a renewal (ms). */
  ttlMs: number;
}

/**
 * The fencing token of one run of a turn: its lease owner and the claim number `claimInbound` returned. A later claim
 * (after the lease expired) raises the number, so a stale run's completion is refused.
 */
export interface TurnFence {
  owner: string;
  attempts: number;
}

/** The last writes of a turn, committed together by {@link Store.finishTurn}. */
export interface TurnFinish {
  inboxId: string;
  status: 'done' | 'failed';
  /** Why the turn failed (status `failed`). */
  error?: string;
  /** The run that ends the turn. */
  fence: TurnFence;
  /** Outbox ids of this turn's replies the channel took (marked `sent`). */
  sent: readonly string[];
  /** The conversation's dialog state after the turn (as `saveDialogState` stores it); left as it is when absent. */
  dialogState?: { conversationId: string; state: unknown };
}

/** An inbound message whose turn must be run again: accepted but never started, or whose lease expired. */
export interface RecoverableInbound {
  inboxId: string;
  status: InboxStatus;
  /** The stored activity (raw payload and attachment bytes left out, as everywhere in the store). */
  activity: Activity;
  receivedAt: string;
}

/**
 * Where a reply stands: `pending` (not tried yet), `sent`, `failed` (retried later), or `dropped` (never to be sent,
 * e.g. the customer opted out; `error` says why). Only `pending` and `failed` replies are retried.
 */
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'dropped';

/** How many SQL statements (BEGIN, COMMIT and ROLLBACK left out) and transactions a store ran since it opened. */
export interface StatementCounts {
  statements: number;
  transactions: number;
}

/** A reply waiting for (or done with) delivery through its channel. */
/** Queues whose depth {@link Store.queueDepths} reports. */
export type QueueName = 'inbox' | 'outbox' | 'handoff_jobs';

/** How much work waits in one queue and since when. */
export interface QueueDepth {
  queue: QueueName;
  /** Rows waiting (turns not finished, replies not delivered, desk jobs not done). */
  depth: number;
  /** When the oldest waiting row was written (ISO 8601), or null when the queue is empty. */
  oldestAt: string | null;
}

export interface OutboxRecord {
  id: string;
  inboxId: string | null;
  conversationId: string;
  channel: string;
  status: OutboxStatus;
  attempts: number;
  activity: Activity;
  createdAt: string;
}

/** A resolved support ticket as stored for retrieval; `metadata` keeps every extra field of the source. */
export interface TicketRecord {
  id: string;
  question: string;
  answer: string;
  /** Where the ticket came from (file name or `--source`); `ingest --sync` replaces a whole source. */
  source: string;
  /** The knowledge scope the ticket belongs to (a brand, store, product line or locale); absent: shared by all scopes. */
  scope?: string;
  metadata: Record<string, unknown>;
  updatedAt?: string;
}

/**
 * Where a conversation lives on its channel: the key a channel looks it up by (a phone number, an e-mail Message-ID,
 * a Slack channel and thread, a Bot Framework conversation id) and what the channel needs to send to it later
 * (`ref`, e.g. a Bot Framework conversation reference).
 */
export interface ConversationRef {
  channel: string;
  key: string;
  conversationId: string;
  ref: Record<string, unknown>;
}

/** A delivery status a channel reported for a message it sent (e.g. Twilio's status callbacks). */
export interface DeliveryStatus {
  channel: string;
  /** The channel's id of the sent message (e.g. a Twilio MessageSid). */
  messageId: string;
  status: string;
  error?: string | null;
  updatedAt?: string;
}

/**
 * Persistence for everything Parley keeps: conversations, transcripts, dialog state, the durable inbox and outbox,
 * tickets and settings. One interface, implemented on SQLite (embedded default) and PostgreSQL.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Scores, CSAT, dashboard users, sessions, grants, labels and notes (evaluations and the CX dashboard). */
  readonly evaluations: EvaluationStore;
  /** Escalations to agents, agents' corrections and handoff jobs (webhook deliveries). */
  readonly handoffs: HandoffStore;
  /** The try-on catalogue and try-on images. */
  readonly tryon: TryOnStore;
  /** Tickets held back at ingest for review (never indexed nor answered from). */
  readonly quarantine: QuarantineStore;
  /** Operator facts that fill answers' slots (support phone, hours, website, policies), per knowledge scope. */
  readonly facts: FactStore;
  /** Customer profiles, events, consent and campaign sends (personalised engagement). */
  readonly engagement: EngagementStore;
  /** Answer clusters per knowledge scope, with the CX leads' reviews of their canonical answers. */
  readonly clusters: ClusterStore;
  /** Channel requests recorded before their acknowledgement, until processed (Slack's Events API). */
  readonly deliveries: InboundDeliveryStore;
  /** Knowledge model versions and the tickets' vectors encoded with them (loaded at start instead of refitting). */
  readonly knowledge: KnowledgeStore;
  /** The queue of the store-backed job runner (background work; see `JobRunner`). */
  readonly jobs: JobStore;
  /** Applies pending schema migrations; safe to call on every start and from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Checks that the database answers within `timeoutMs` (default: the configured health timeout); throws
   * `store_unavailable` when it does not (and during an outage, at once).
   */
  ping(timeoutMs?: number): Promise<void>;
  /** Calls `listener` each time the database is reachable again after an outage (never, on SQLite). */
  onAvailable(listener: () => void): void;
  /** Statements and transactions run so far (the `/metrics` counters; the web chat bench reports them per turn). */
  statementCounts?(): StatementCounts;

  /** Starts a conversation; `scope` (validated by the caller) is its knowledge scope for good. */
  createConversation(input: { userId: string; channel: string; scope?: string | null; metadata?: Record<string, unknown> }): Promise<ConversationRecord>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  updateConversation(
    id: string,
    patch: { status?: ConversationStatus; handoffReason?: HandoffReason | null; metadata?: Record<string, unknown> },
  ): Promise<ConversationRecord>;

  /** Every conversation of one customer (`userId`), oldest first (ties in id order); none for an unknown customer. */
  listConversationsByUser(userId: string): Promise<ConversationRecord[]>;
  /**
   * Deletes a conversation with everything kept for it: messages, dialog state, channel links, inbox and outbox rows,
   * try-on images.
   * Returns false when there was no such conversation.
   */
  deleteConversation(id: string): Promise<boolean>;
  /**
   * Closes `open` and `needs_human` conversations whose last message (or, without messages, whose creation) is
   * older than `idleBefore` (ISO 8601); returns the ids closed.
   */
  closeIdleConversations(idleBefore: string): Promise<string[]>;
  /**
   * Transcript retention: deletes messages created before `before` (ISO 8601), and the inbox and outbox rows (which
   * hold copies of the message text) from before then too. Returns how many messages were deleted.
   */
  deleteMessagesBefore(before: string): Promise<number>;

  appendMessage(activity: Activity): Promise<MessageRecord>;
  listMessages(conversationId: string): Promise<MessageRecord[]>;

  getDialogState(conversationId: string): Promise<unknown | undefined>;
  saveDialogState(conversationId: string, state: unknown): Promise<void>;

  /** Records an inbound message once; a second delivery of the same (channel, channelMessageId) is a duplicate. */
  receiveInbound(activity: Activity): Promise<InboxReceipt>;
  /**
   * Ends a turn. With `fence`, only while that run still holds the latest claim (`processing`, same owner and claim
   * number): false when the lease was taken over, so a stale run never ends the turn its successor runs.
   */
  completeInbound(inboxId: string, status: 'done' | 'failed', error?: string, fence?: TurnFence): Promise<boolean>;
  /**
   * Ends a turn with its last writes, atomically (one transaction; one statement on PostgreSQL): the replies in `sent`
   * (outbox ids) are marked delivered, the inbox row is completed as {@link completeInbound} with `fence` does, and the
   * conversation's dialog state, when given, is saved — only while the fence holds, so a run whose lease was taken
   * over never overwrites its successor's state. Returns false when the fence did not hold (the sent marks are kept).
   */
  finishTurn(input: TurnFinish): Promise<boolean>;
  getInbound(inboxId: string): Promise<InboxReceipt | undefined>;
  /**
   * Accepts an inbound customer message before its channel is acknowledged: the inbox row (status `accepted`) and its
   * transcript entry in one transaction. Idempotent on (channel, channelMessageId): a second delivery stores nothing
   * and returns the first one's receipt with `duplicate: true`. Throws `conversation_not_found` when the activity's
   * conversation does not exist. With `lease` (the caller runs the turn right away), a store that runs one write at a
   * time (SQLite) claims a new message under it in the same write when no other message of its conversation is
   * unfinished: status `processing`, and the receipt's `claimedAttempts` set; otherwise, and always on a store with
   * concurrent writers (PostgreSQL, where two such inserts could both find the conversation free), it is accepted as
   * without a lease and `claimInbound` takes it under the conversation's lock.
   */
  acceptInbound(activity: Activity, lease?: TurnLease): Promise<InboxReceipt>;
  /**
   * Takes the lease on an inbox row so that its turn can run: succeeds when the row is `accepted`, or `processing`
   * under a lease that has expired (its process died), and no earlier message of the conversation runs under a live
   * lease (turns of a conversation keep their order across processes even when the conversation lock was lost).
   * Returns how many times the turn was started (this one included: the run's fencing number), or undefined when
   * another owner holds a live lease, an earlier turn still runs, or the turn is over.
   */
  claimInbound(inboxId: string, lease: TurnLease): Promise<{ attempts: number } | undefined>;
  /** Extends a held lease by `ttlMs` from now (heartbeat); false when `owner` no longer holds it. */
  renewInboundLease(inboxId: string, lease: TurnLease): Promise<boolean>;
  /**
   * Turns to run again, oldest first: `processing` rows whose lease expired before now, and `accepted` rows
   * received before `acceptedBefore` (ISO 8601; younger ones are still being started by the process that took them).
   */
  listRecoverableInbound(input: { acceptedBefore: string; limit: number }): Promise<RecoverableInbound[]>;
  /**
   * Records the `index`-th reply (0-based) of the turn of inbox row `inboxId`: its outbox row and its transcript entry
   * in one transaction. Idempotent on (inboxId, index): a turn run again after a crash gets the reply recorded by
   * the first run back (`duplicate: true`) and stores nothing new.
   */
  recordReply(input: { inboxId: string; index: number; activity: Activity }): Promise<{ record: OutboxRecord; duplicate: boolean }>;

  enqueueOutbound(input: { inboxId: string | null; activity: Activity }): Promise<OutboxRecord>;
  /** Records a delivery attempt's outcome; `dropped` ends the reply for good (never retried). */
  markOutbound(id: string, status: Exclude<OutboxStatus, 'pending'>, error?: string): Promise<void>;
  listOutboundFor(inboxId: string): Promise<OutboxRecord[]>;
  /**
   * Replies still to deliver (`pending` or `failed`, never `sent` or `dropped`), oldest first; with `maxAttempts`,
   * only those tried fewer times (still worth retrying).
   */
  listPendingOutbound(limit: number, maxAttempts?: number): Promise<OutboxRecord[]>;
  /** A conversation's replies still to deliver (`pending` or `failed`, any number of attempts), oldest first. */
  listUndeliveredFor(conversationId: string): Promise<OutboxRecord[]>;

  /** Inserts or replaces tickets by id; returns how many were new and how many changed. */
  upsertTickets(tickets: TicketRecord[]): Promise<{ inserted: number; updated: number; unchanged: number }>;
  deleteTickets(ids: string[]): Promise<number>;
  /**
   * Tickets ordered by id (of one source when given). With `limit`, one page: at most that many, with ids after
   * `afterId` — a caller reads a large knowledge base page by page instead of all rows at once.
   */
  listTickets(filter?: { source?: string; afterId?: string; limit?: number }): Promise<TicketRecord[]>;
  countTickets(): Promise<number>;
  /** How many tickets each knowledge scope holds; shared tickets (no scope) under `'*'`. Empty scopes are absent. */
  countTicketsByScope(): Promise<Record<string, number>>;
  /** Work waiting in the durable queues (unfinished turns, undelivered replies, due agent-desk jobs), for metrics. */
  queueDepths(): Promise<QueueDepth[]>;
  /** The ticket change sequence: bumped by every ticket insert, update and delete (by any process). */
  ticketSeq(): Promise<number>;
  /**
   * Tickets changed after `sinceSeq`, oldest change first, at most `limit` (default 10,000; ask again from the returned
   * `seq` while a full page comes back). Deleted tickets leave a tombstone, so deletes are reported too.
   */
  ticketChanges(sinceSeq: number, limit?: number): Promise<TicketChanges>;

  /** Links a channel key to a conversation unless the key is linked already; returns the stored link. */
  linkConversation(ref: ConversationRef): Promise<ConversationRef>;
  findConversationRef(channel: string, key: string): Promise<ConversationRef | undefined>;
  /** Every channel link of a conversation (oldest first), e.g. to send an agent's reply proactively. */
  listConversationRefs(conversationId: string): Promise<ConversationRef[]>;
  /** Replaces the `ref` payload of an existing link (e.g. a refreshed Bot Framework service URL). */
  updateConversationRef(channel: string, key: string, ref: Record<string, unknown>): Promise<void>;

  /** Records that `address` opted out of (true) or back into (false) messages on `channel`. */
  setOptOut(channel: string, address: string, optedOut: boolean): Promise<void>;
  isOptedOut(channel: string, address: string): Promise<boolean>;

  recordDeliveryStatus(status: DeliveryStatus): Promise<void>;
  getDeliveryStatus(channel: string, messageId: string): Promise<DeliveryStatus | undefined>;

  /**
   * The value stored under `key`. With `maxAgeMs`, a value this process read at most that long ago may be returned
   * instead of reading the database again (for settings read on every turn); this process's own writes are seen at
   * once, other processes' within `maxAgeMs`. Default: always read.
   */
  getSetting(key: string, options?: { maxAgeMs?: number }): Promise<string | undefined>;
  /** Stores `value` unless the key exists; returns the stored value (so concurrent first starts agree). */
  setSettingIfAbsent(key: string, value: string): Promise<string>;
  /** Stores `value` under `key`, replacing any earlier value (e.g. `generation.chatModel` after a fine-tuning job). */
  setSetting(key: string, value: string): Promise<void>;
}
