/**
 * Personalised engagement (issue 18): customer profiles linked across channels, their events, consent, scheduled
 * sends and what happened to each send. Implemented on SQLite and PostgreSQL (migrations 21–25).
 */

/** Kinds of identity a customer is known by on a channel. */
export const IDENTITY_KINDS = ['email', 'phone', 'webchat', 'slack', 'teams', 'external'] as const;
/** One kind of {@link IDENTITY_KINDS}. */
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** One identity of a customer: an e-mail address, a phone number (E.164), a web chat user id, a Slack/Teams user id or the CRM's own id. */
export interface CustomerIdentity {
  kind: IdentityKind;
  value: string;
}

/** A customer as engagement sees them: one record across every channel they are known on. */
export interface CustomerRecord {
  id: string;
  /** The knowledge scope (brand) the customer belongs to; null: the default sender and templates. */
  scope: string | null;
  name: string | null;
  /** IANA time zone (quiet hours are in it); null: the configured default. */
  timezone: string | null;
  attributes: Record<string, unknown>;
  identities: CustomerIdentity[];
  createdAt: string;
  updatedAt: string;
}

/** What a profile import or the customers API writes: identities link the record to an existing customer. */
export interface CustomerInput {
  /** The customer's id; default: the id of the customer an identity already belongs to, else a new one. */
  id?: string;
  identities: CustomerIdentity[];
  name?: string | null;
  timezone?: string | null;
  scope?: string | null;
  /** Merged into the stored attributes (a key set to null is removed). */
  attributes?: Record<string, unknown>;
}

/** Event types a campaign trigger reads; others are stored and shown in the history. */
export const CUSTOMER_EVENT_TYPES = ['order', 'cart', 'return', 'conversation', 'csat', 'shipment', 'watch', 'restock', 'visit'] as const;

/** Something a customer did or that happened to them (an order, a cart, a return, a conversation, a CSAT score). */
export interface CustomerEvent {
  /** The source's id of the event; a second import of the same id changes nothing. */
  id: string;
  /** The customer; null for events about a product rather than a person (`restock`). */
  customerId: string | null;
  type: string;
  /** When it happened (ISO 8601). */
  at: string;
  data: Record<string, unknown>;
}

/** Where a customer stands on a channel: `opted_in` (may be sent marketing) or `opted_out` (never). `*`: every channel. */
export type ConsentStatus = 'opted_in' | 'opted_out';

/** A consent record. */
export interface ConsentRecord {
  customerId: string;
  /** `email`, `sms` or `*` (every channel). */
  channel: string;
  status: ConsentStatus;
  /** Where it came from: `import`, `api`, `unsubscribe_link`, `sms_stop`. */
  source: string;
  updatedAt: string;
}

/**
 * Where a send is: `due` (waiting for its time), `sending` (a process holds its lease), `queued` (in the channel's
 * outbox), `skipped` (consent, cap or no address; `reason` says which), `holdout` (kept back for measurement), `failed`.
 */
export type SendStatus = 'due' | 'sending' | 'queued' | 'skipped' | 'holdout' | 'failed';

/** One message of a campaign to one customer, from its scheduling to its delivery. */
export interface SendRecord {
  /** Deterministic from campaign, customer and trigger key: scheduling twice is a no-op (deduplication). */
  id: string;
  campaign: string;
  customerId: string;
  /** What fired (a cart id, an order id, …). */
  triggerKey: string;
  variant: string;
  /** `email` or `sms`; null until chosen. */
  channel: string | null;
  status: SendStatus;
  dueAt: string;
  reason: string | null;
  /** The message as sent (after personalisation and an accepted rewrite). */
  subject: string | null;
  text: string | null;
  /** Links of the message, by index (tracked redirects point here), the outbox row, channel message ids. */
  payload: Record<string, unknown>;
  conversationId: string | null;
  outboxId: string | null;
  sentAt: string | null;
  createdAt: string;
}

/** Kinds of signal attributed to a send. */
export type SendSignalKind = 'delivered' | 'opened' | 'clicked' | 'replied' | 'converted';

/** A signal attributed to a send; the first of each kind counts, later ones only raise `count`. */
export interface SendSignal {
  sendId: string;
  kind: SendSignalKind;
  at: string;
  count: number;
}

/** Persistence of profiles, events, consent, sends and their signals. */
export interface EngagementStore {
  /**
   * Stores a customer: found by id, else by any of its identities (a customer found by several is merged into the
   * first), else created. Identities are added; attributes merged. Returns the stored record.
   */
  upsertCustomer(input: CustomerInput): Promise<CustomerRecord>;
  getCustomer(id: string): Promise<CustomerRecord | undefined>;
  findCustomer(identity: CustomerIdentity): Promise<CustomerRecord | undefined>;
  /** Deletes a customer with their identities, events, consent and sends (privacy erasure); false when unknown. */
  deleteCustomer(id: string): Promise<boolean>;
  /** Every customer (in id order), optionally of one scope. */
  listCustomers(filter?: { scope?: string | null }): Promise<CustomerRecord[]>;
  /** Stores events by id; ones already stored are left as they are. Returns how many were new. */
  addEvents(events: CustomerEvent[]): Promise<number>;
  /** A customer's events, oldest first. */
  listEvents(customerId: string): Promise<CustomerEvent[]>;
  /** Events without a customer (product events such as `restock`) of `type`, oldest first. */
  listProductEvents(type: string): Promise<CustomerEvent[]>;
  /** Order events of every customer (for co-purchase recommendations). */
  listEventsOfType(type: string): Promise<CustomerEvent[]>;
  setConsent(input: { customerId: string; channel: string; status: ConsentStatus; source: string }): Promise<void>;
  listConsents(customerId: string): Promise<ConsentRecord[]>;
  /** Inserts a send unless one with its id exists; true when inserted. */
  scheduleSend(send: Omit<SendRecord, 'createdAt' | 'sentAt' | 'outboxId' | 'conversationId'>): Promise<boolean>;
  getSend(id: string): Promise<SendRecord | undefined>;
  listSends(filter: { campaign?: string; customerId?: string }): Promise<SendRecord[]>;
  /**
   * Takes the lease on up to `limit` sends that are `due` by `now`, or `sending` under a lease that expired (a dead
   * process's), and returns them; with `campaign`, only that campaign's.
   */
  claimDueSends(input: { now: string; owner: string; leaseMs: number; limit: number; campaign?: string }): Promise<SendRecord[]>;
  /** Updates a send (its status, and what was sent); `due` again with a later `dueAt` defers it (quiet hours). */
  updateSend(id: string, patch: Partial<Pick<SendRecord, 'status' | 'reason' | 'channel' | 'subject' | 'text' | 'payload' | 'conversationId' | 'outboxId' | 'sentAt' | 'dueAt'>>): Promise<void>;
  /** How many sends to a customer went out (`queued`) since `since` (frequency caps). */
  countSentSince(customerId: string, since: string): Promise<number>;
  /** Records a signal; a repeated kind only raises its count. */
  recordSignal(sendId: string, kind: SendSignalKind, at?: string): Promise<void>;
  listSignals(sendIds: readonly string[]): Promise<SendSignal[]>;
}
