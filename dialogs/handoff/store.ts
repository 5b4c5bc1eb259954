/** Where an escalation stands: waiting for an agent, claimed by one, or finished (resolved / returned to the bot). */
export type HandoffStatus = 'waiting' | 'claimed' | 'resolved' | 'returned';

/** The follow-up offered when no agent is there (outside business hours, or nobody claimed in time). */
export interface HandoffFollowUp {
  /** Why it was offered. */
  why: 'out_of_hours' | 'unclaimed';
  /**
   * `awaiting_email`: the customer was asked for an address; `scheduled`: the address is known and a ticket exists;
   * `reply_here`: nothing can e-mail (no e-mail channel or helpdesk), so the customer was told the team replies in the
   * conversation once someone is free.
   */
  state: 'awaiting_email' | 'scheduled' | 'reply_here';
  email: string | null;
  offeredAt: string;
}

/** One escalation of a conversation to a person, as the agent desk and helpdesks work it. */
export interface HandoffRecord {
  id: string;
  conversationId: string;
  status: HandoffStatus;
  /** The handoff reason recorded on the conversation (`customer_request`, `frustration`, …). */
  reason: string;
  escalatedAt: string;
  /** Where the desk shows the escalation (e.g. `{desk: "slack", channel, threadTs}`); null until posted. */
  desk: Record<string, unknown> | null;
  /** Lookup key of the desk thread (e.g. `slack:C0ESCAL:1700000000.000100`); null until posted. */
  deskThread: string | null;
  claimedBy: string | null;
  claimedByName: string | null;
  claimedAt: string | null;
  /** Reminders sent about this escalation while nobody claimed it. */
  reminders: number;
  lastReminderAt: string | null;
  followUp: HandoffFollowUp | null;
  /** The helpdesk ticket of the escalation: `{system: "zendesk", id: "123"}`, or `{system: "parley", …}` when stored here. */
  ticket: { system: string; id: string } | null;
  closedAt: string | null;
  updatedAt: string;
}

/** Fields of a {@link HandoffRecord} an update may change. */
export type HandoffPatch = Partial<Omit<HandoffRecord, 'id' | 'conversationId' | 'escalatedAt' | 'updatedAt'>>;

/** An agent's correction of a bot answer; it becomes a ticket (source `corrections`) that wins over the one it corrects. */
export interface CorrectionRecord {
  id: string;
  /** The conversation the corrected answer was given in, when known. */
  conversationId: string | null;
  /** The corrected bot message, when known. */
  messageId: string | null;
  /** The customer question the answer was for. */
  question: string;
  /** The answer as the bot gave it. */
  original: string;
  /** The answer as the agent corrected it. */
  corrected: string;
  /** The ticket the bot answered from (the one corrected), when it answered from one. */
  correctsTicketId: string | null;
  /** The agent (e.g. a Slack user id) and their display name. */
  agent: string;
  agentName: string | null;
  createdAt: string;
  revertedAt: string | null;
  revertedBy: string | null;
}

/** A durable unit of outbound handoff work (e.g. a signed webhook delivery), retried until done. */
export interface HandoffJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
}

/** Persistence of escalations, corrections and handoff jobs (`Store.handoffs`). */
export interface HandoffStore {
  /** Starts a handoff record (status `waiting` unless given). */
  createHandoff(input: { conversationId: string; reason: string; status?: HandoffStatus; escalatedAt?: string }): Promise<HandoffRecord>;
  getHandoff(id: string): Promise<HandoffRecord | undefined>;
  /** The latest `waiting` or `claimed` handoff of a conversation. */
  activeHandoff(conversationId: string): Promise<HandoffRecord | undefined>;
  /** The handoff shown in a desk thread (`deskThread` key). */
  findHandoffByThread(deskThread: string): Promise<HandoffRecord | undefined>;
  /** The handoff of a helpdesk ticket. */
  findHandoffByTicket(system: string, id: string): Promise<HandoffRecord | undefined>;
  /** Handoffs still `waiting` or `claimed`, oldest first. */
  listActiveHandoffs(): Promise<HandoffRecord[]>;
  /** Every handoff of a conversation, oldest first. */
  listHandoffs(conversationId: string): Promise<HandoffRecord[]>;
  /**
   * Applies `patch`; with `expectStatus`, only when the record has one of those statuses (compare-and-set, so two
   * agents cannot both claim). Returns the updated record, or undefined when it did not apply.
   */
  updateHandoff(id: string, patch: HandoffPatch, expectStatus?: readonly HandoffStatus[]): Promise<HandoffRecord | undefined>;

  addCorrection(input: Omit<CorrectionRecord, 'id' | 'createdAt' | 'revertedAt' | 'revertedBy'>): Promise<CorrectionRecord>;
  getCorrection(id: string): Promise<CorrectionRecord | undefined>;
  /** Corrections, newest first; reverted ones only with `includeReverted`. */
  listCorrections(options?: { includeReverted?: boolean }): Promise<CorrectionRecord[]>;
  /** Marks a correction reverted; undefined when unknown or already reverted. */
  revertCorrection(id: string, by: string): Promise<CorrectionRecord | undefined>;

  /** Queues a job, due at `at` (ISO; default now). */
  enqueueHandoffJob(input: { kind: string; payload: Record<string, unknown>; at?: string }): Promise<HandoffJob>;
  /** Pending jobs due at `now` (ISO), oldest first. */
  listDueHandoffJobs(now: string, limit: number): Promise<HandoffJob[]>;
  updateHandoffJob(id: string, patch: { status: HandoffJob['status']; attempts: number; nextAttemptAt?: string; lastError?: string | null }): Promise<void>;
}
