import type { ConversationRecord, HandoffRecord, Source } from '../../bot/core/index.js';

/** Someone working escalations at a desk (e.g. a Slack user). */
export interface Agent {
  id: string;
  /** Display name, shown to the customer ("Alex from our team"). */
  name?: string | undefined;
}

/** One transcript line as an escalation card shows it. */
export interface CardMessage {
  messageId: string;
  role: string;
  text: string;
  createdAt: string;
  /** For bot answers: the ticket it answered from (a correction can target it). */
  ticketId?: string | undefined;
  action?: string | undefined;
}

/** The bot's best guess at an answer, for the agent to send, edit or correct. */
export interface SuggestedAnswer {
  question: string;
  text: string;
  sources: Source[];
  confidence: number;
}

/** Everything an agent needs to take over without asking the customer to repeat themselves. */
export interface EscalationCard {
  handoff: HandoffRecord;
  conversation: ConversationRecord;
  customer: { id: string; name?: string | undefined; email?: string | undefined };
  channel: string;
  reason: string;
  /** A few lines on what the customer wants and what the bot tried. */
  summary: string;
  lastMessages: CardMessage[];
  suggestion: SuggestedAnswer | undefined;
  /** Set when the escalation came outside business hours. */
  outOfHours: boolean;
}

/** Where an escalation was opened on a desk. */
export interface DeskThread {
  /** Desk-specific location (e.g. `{desk: "slack", channel, threadTs}`). */
  desk: Record<string, unknown>;
  /** Lookup key of the thread, unique across desks (e.g. `slack:C0ESCAL:1700000000.000100`). */
  deskThread: string;
}

/**
 * An agent desk: where escalations are shown and worked (the Slack desk in `channels/slack/desk`). The desk calls
 * the {@link HandoffService} for what agents do (claim, reply, resolve, return, correct).
 */
export interface AgentDesk {
  readonly name: string;
  /** Opens the escalation (card + thread). */
  open(card: EscalationCard): Promise<DeskThread>;
  /** Re-renders the card after a state change (claimed by, resolved, returned). */
  update(card: EscalationCard): Promise<void>;
  /** Posts into the escalation's thread: a customer message, a status notice or a reminder. */
  post(handoff: HandoffRecord, message: { kind: 'customer' | 'notice' | 'reminder'; text: string }): Promise<void>;
  /** Tells one agent something only they see (e.g. that their message stayed an internal note). */
  notify(handoff: HandoffRecord, agent: Agent, text: string): Promise<void>;
}

/** A helpdesk that keeps a ticket per escalation (Zendesk in `channels/zendesk`). */
export interface TicketingAdapter {
  /** Name recorded with the ticket id (e.g. `zendesk`). */
  readonly system: string;
  /** Creates a ticket with the transcript; returns its id. */
  createTicket(input: { subject: string; body: string; requester: { name: string; email?: string | undefined }; tags: string[]; externalId: string }): Promise<string>;
  /** Adds a comment (public: visible to the requester). */
  addComment(ticketId: string, comment: { body: string; public: boolean }): Promise<void>;
}

/** Kinds of handoff events observers (the signed webhook) receive. */
export type HandoffEventType = 'escalated' | 'claimed' | 'message' | 'resolved' | 'returned';

/** One handoff event. */
export interface HandoffEvent {
  type: HandoffEventType;
  at: string;
  handoff: HandoffRecord;
  conversation: { id: string; userId: string; channel: string; status: string };
  agent?: Agent;
  message?: { role: 'customer' | 'agent'; text: string };
}

/** Receives handoff events (e.g. to forward them to another helpdesk). Failures are logged, never thrown back. */
export interface HandoffObserver {
  onEvent(event: HandoffEvent): Promise<void>;
}
