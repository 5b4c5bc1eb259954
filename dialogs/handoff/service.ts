import { isHandoffReason, newId, silentLogger, type Activity, type HandoffReason, type HandoffRecord, type HandoffStatus, type Logger, type Middleware, type Store, type TurnContext } from '../../bot/core/index.js';
import type { KnowledgeBase } from '../../knowledge/index.js';
import { buildCard, reasonText } from './card.js';
import { FAILURES_KEY } from './conversation.js';
import type { Agent, AgentDesk, HandoffEventType, HandoffObserver, TicketingAdapter } from './desk.js';
import { findEmail, followUpText } from './follow-up.js';
import { HANDOFF_REACH_KEY, type HandoffReach } from './reach.js';
import { isOpen, type BusinessHours } from './hours.js';
import { routeAgentMessage, transition, type HandoffAction } from './state.js';

/** Options of {@link HandoffService}. */
export interface HandoffServiceOptions {
  store: Store;
  knowledge: KnowledgeBase;
  /** Delivers an agent's message or a notice to the customer on their own channel (durable outbox, then the channel). */
  deliver: (activity: Activity) => Promise<void>;
  logger?: Logger;
  desk?: AgentDesk | undefined;
  ticketing?: TicketingAdapter | undefined;
  observers?: HandoffObserver[];
  /** Business hours; default always open. */
  hours?: BusinessHours | undefined;
  /** Minutes between reminders about an unclaimed escalation; `PARLEY_HANDOFF_REMINDER_MINUTES`, default 5. */
  reminderMinutes?: number;
  /** Minutes after which an unclaimed escalation gets the e-mail follow-up; `PARLEY_HANDOFF_CLAIM_TIMEOUT_MINUTES`, default 15. */
  claimTimeoutMinutes?: number;
  /** Channels whose requests wait for a reply (REST): customer messages during a claimed handoff get a short receipt there. */
  receiptChannels?: readonly string[];
  /**
   * A follow-up by e-mail can be sent (the e-mail channel or a helpdesk is configured); default true. False: the
   * customer is never asked for an address nor promised an e-mail.
   */
  emailFollowUp?: boolean;
  /** How customers reach the team directly, for a conversation's scope (from the operator's facts); default none. */
  contact?: (scope: string | null) => Promise<string | undefined>;
  /** Clock (ms); default `Date.now`. */
  now?: () => number;
}

/** The outcome of an agent's action on an escalation. */
export type DeskActionResult = { ok: true; handoff: HandoffRecord; changed: boolean } | { ok: false; reason: string; handoff?: HandoffRecord };

/** What one {@link HandoffService.tick} did. */
export interface TickResult {
  reminded: number;
  followUps: number;
  reopened: number;
  finished: number;
}

const MINUTE = 60_000;

/**
 * Runs escalations: opens one desk thread (card) per handoff, relays the customer's messages into it and the claiming
 * agent's replies back to the customer's channel, applies claim / resolve / return to bot (state machine), reminds
 * the desk about unclaimed escalations, offers an e-mail follow-up outside business hours or after the claim timeout,
 * keeps a helpdesk ticket in step and tells observers (signed webhook). Its {@link middleware} hooks it into turns.
 */
export class HandoffService {
  private desk: AgentDesk | undefined;
  private ticketing: TicketingAdapter | undefined;
  private readonly observers: HandoffObserver[];
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: HandoffServiceOptions) {
    this.desk = options.desk;
    this.ticketing = options.ticketing;
    this.observers = [...(options.observers ?? [])];
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** True when an agent desk is attached: a person can claim a handed-off conversation and reply in it. */
  get hasDesk(): boolean {
    return this.desk !== undefined;
  }

  /** What a handoff reaches now, for a conversation of `scope`: the desk, e-mail, and the team's contact facts. */
  async reach(scope: string | null): Promise<HandoffReach> {
    const contact = await this.guard('read the contact facts', async () => this.options.contact?.(scope));
    return { desk: this.hasDesk, email: this.options.emailFollowUp ?? true, ...(contact ? { contact } : {}) };
  }

  /** Sets the agent desk (the Slack desk registers itself once the Slack app is up). */
  attachDesk(desk: AgentDesk): void {
    this.desk = desk;
  }

  /** Sets the helpdesk kept in step (Zendesk). */
  attachTicketing(ticketing: TicketingAdapter): void {
    this.ticketing = ticketing;
  }

  /** Adds an observer of handoff events. */
  observe(observer: HandoffObserver): void {
    this.observers.push(observer);
  }

  private get store(): Store {
    return this.options.store;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * The turn middleware: a message in a conversation with an active handoff is relayed to the desk (and not answered
   * by the bot once an agent has claimed it; an e-mail address asked for is taken); a turn that ends in `needs_human`
   * opens an escalation. It leaves the turn's {@link HandoffReach} for the dialogs, so that without a desk no reply
   * promises a person.
   */
  middleware(): Middleware {
    return async (ctx, next) => {
      ctx.turnState.set(HANDOFF_REACH_KEY, await this.reach(ctx.conversation.scope ?? null));
      const active = await this.store.handoffs.activeHandoff(ctx.conversation.id);
      if (active && ctx.conversation.status === 'needs_human') {
        if (!(await this.takeEmail(ctx, active))) {
          if (active.status === 'waiting') await next();
          else if (this.options.receiptChannels?.includes(ctx.activity.channel)) {
            await ctx.send({ text: `Sent to ${active.claimedByName ?? 'our team'} — they'll reply here.`, action: 'handoff', handoff: { reason: active.reason } });
          }
        }
        await this.guard('relay a customer message', () => this.relayCustomer(active, ctx.activity));
        return;
      }
      // A conversation closed while handed off (idle close) and reopened by the customer: that handoff is over.
      if (active) await this.finish(active, 'resolved');
      try {
        await next();
      } catch (error) {
        // The bot's error boundary hands the conversation off after this: open its escalation now.
        await this.guard('open an escalation', () => this.openEscalation(ctx.conversation.id, 'error'));
        throw error;
      }
      if (ctx.conversation.status === 'needs_human') {
        await this.guard('open an escalation', () => this.openEscalation(ctx.conversation.id, isHandoffReason(ctx.conversation.handoffReason) ? ctx.conversation.handoffReason : 'customer_request'));
      }
    };
  }

  /**
   * Opens an escalation for a conversation a turn marked as needing a person (by `handoff.request`): record, follow-up
   * when closed, desk card, ticket, event. Private: handing off is `handoff.request`, this is what follows it.
   */
  private async openEscalation(conversationId: string, reason: HandoffReason): Promise<HandoffRecord> {
    let handoff = await this.store.handoffs.createHandoff({ conversationId, reason, escalatedAt: this.iso() });
    const outOfHours = !isOpen(this.options.hours, new Date(this.now()));
    handoff = await this.openOnDesk(handoff, outOfHours);
    if (this.ticketing) handoff = await this.createTicket(handoff);
    // Without a desk the customer was already told nobody replies here: no follow-up promises anything more.
    if (outOfHours && this.desk) handoff = await this.offerFollowUp(handoff, 'out_of_hours');
    await this.emit('escalated', handoff);
    return handoff;
  }

  /** An agent claims an escalation; the customer is told who joined. */
  async claim(handoffId: string, agent: Agent): Promise<DeskActionResult> {
    const result = await this.apply(handoffId, 'claim', agent, { claimedBy: agent.id, claimedByName: agent.name ?? null, claimedAt: this.iso() });
    if (!result.ok || !result.changed) return result;
    const name = agent.name ?? 'A person';
    await this.guard('tell the desk', () => this.desk?.post(result.handoff, { kind: 'notice', text: `${name} claimed this conversation. Replies in this thread now go to the customer.` }));
    await this.tellCustomer(result.handoff, `${name} from our team has joined the conversation.`);
    await this.emit('claimed', result.handoff, { agent });
    return result;
  }

  /** Resolves an escalation (an agent, or the helpdesk when `agent` is undefined): the conversation is closed. */
  async resolve(handoffId: string, agent: Agent | undefined): Promise<DeskActionResult> {
    const result = await this.apply(handoffId, 'resolve', agent, { closedAt: this.iso() });
    if (!result.ok) return result;
    await this.store.updateConversation(result.handoff.conversationId, { status: 'closed', handoffReason: null });
    await this.tellCustomer(result.handoff, 'Our team has marked this conversation as resolved. Write again any time if you need more help.');
    await this.guard('tell the desk', () => this.desk?.post(result.handoff, { kind: 'notice', text: `Resolved${agent ? ` by ${agent.name ?? agent.id}` : ' in the helpdesk'}. The conversation is closed.` }));
    await this.emit('resolved', result.handoff, agent ? { agent } : {});
    return result;
  }

  /** Returns the customer to the bot: failures reset, the bot answers again. */
  async returnToBot(handoffId: string, agent: Agent): Promise<DeskActionResult> {
    const result = await this.apply(handoffId, 'return', agent, { closedAt: this.iso() });
    if (!result.ok) return result;
    await this.store.updateConversation(result.handoff.conversationId, { status: 'open', handoffReason: null, metadata: { [FAILURES_KEY]: 0 } });
    await this.tellCustomer(result.handoff, "You're back with our assistant. Ask me anything — and ask for a person again at any time.");
    await this.guard('tell the desk', () => this.desk?.post(result.handoff, { kind: 'notice', text: `${agent.name ?? agent.id} returned the customer to the bot.` }));
    await this.emit('returned', result.handoff, { agent });
    return result;
  }

  /** A helpdesk reports its ticket solved: the escalation is resolved. False when the ticket belongs to no active escalation. */
  async ticketSolved(system: string, ticketId: string): Promise<boolean> {
    const handoff = await this.store.handoffs.findHandoffByTicket(system, ticketId);
    if (!handoff || (handoff.status !== 'waiting' && handoff.status !== 'claimed')) return false;
    return (await this.resolve(handoff.id, undefined)).ok;
  }

  /**
   * An agent's message in an escalation thread: sent to the customer (role `agent`) when the agent claimed it, else
   * kept as an internal note and the agent is told so. Returns where it went (`unknown` for a thread of no escalation).
   */
  async agentMessage(deskThread: string, agent: Agent, text: string): Promise<'customer' | 'note' | 'unknown'> {
    const handoff = await this.store.handoffs.findHandoffByThread(deskThread);
    if (!handoff) return 'unknown';
    const route = routeAgentMessage(handoff, agent.id);
    if (route.to === 'note') {
      const why =
        route.why === 'unclaimed'
          ? 'Nobody has claimed this conversation yet: click Claim first, then reply here.'
          : route.why === 'finished'
            ? 'This conversation is no longer handed off.'
            : `${handoff.claimedByName ?? 'Another agent'} has claimed this conversation.`;
      await this.guard('notify the agent', () => this.desk?.notify(handoff, agent, `Your message stayed an internal note and was not sent to the customer. ${why}`));
      return 'note';
    }
    const conversation = await this.store.getConversation(handoff.conversationId);
    if (!conversation) return 'unknown';
    const activity: Activity = {
      id: newId('act'),
      type: 'message',
      channel: conversation.channel,
      conversationId: conversation.id,
      from: { id: agent.id, role: 'agent', ...(agent.name ? { name: agent.name } : {}) },
      text,
      timestamp: this.iso(),
    };
    await this.options.deliver(activity);
    if (handoff.ticket && this.ticketing && handoff.ticket.system === this.ticketing.system) {
      const { ticket } = handoff;
      await this.guard('comment on the ticket', () => this.ticketing!.addComment(ticket.id, { body: `${agent.name ?? agent.id} (agent): ${text}`, public: true }));
    }
    await this.emit('message', handoff, { agent, message: { role: 'agent', text } });
    return 'customer';
  }

  /** Reminders, follow-ups after the claim timeout, and desk cards that could not be posted before. */
  async tick(): Promise<TickResult> {
    const result: TickResult = { reminded: 0, followUps: 0, reopened: 0, finished: 0 };
    const now = this.now();
    for (let handoff of await this.store.handoffs.listActiveHandoffs()) {
      const conversation = await this.store.getConversation(handoff.conversationId);
      if (conversation?.status !== 'needs_human') {
        await this.finish(handoff, 'resolved');
        result.finished++;
        continue;
      }
      if (!handoff.deskThread && this.desk) {
        handoff = await this.openOnDesk(handoff, handoff.followUp?.why === 'out_of_hours');
        if (handoff.deskThread) result.reopened++;
      }
      if (handoff.status !== 'waiting') continue;
      const since = Date.parse(handoff.lastReminderAt ?? handoff.escalatedAt);
      if (this.desk && handoff.deskThread && now - since >= (this.options.reminderMinutes ?? 5) * MINUTE) {
        const minutes = Math.round((now - Date.parse(handoff.escalatedAt)) / MINUTE);
        const posted = await this.guard('post a reminder', async () => {
          await this.desk!.post(handoff, { kind: 'reminder', text: `Still waiting for an agent after ${minutes} min (${reasonText(handoff.reason)}). Click Claim to take it.` });
          return true;
        });
        if (posted) {
          handoff = (await this.store.handoffs.updateHandoff(handoff.id, { reminders: handoff.reminders + 1, lastReminderAt: new Date(now).toISOString() })) ?? handoff;
          result.reminded++;
        }
      }
      if (!handoff.followUp && this.desk && now - Date.parse(handoff.escalatedAt) >= (this.options.claimTimeoutMinutes ?? 15) * MINUTE) {
        await this.offerFollowUp(handoff, 'unclaimed');
        result.followUps++;
      }
    }
    return result;
  }

  /**
   * Offers the e-mail follow-up (asking for the address when unknown) and makes sure a ticket exists; when nothing can
   * e-mail (`emailFollowUp` false), tells the customer the team replies here once someone is free instead.
   */
  async offerFollowUp(handoff: HandoffRecord, why: 'out_of_hours' | 'unclaimed'): Promise<HandoffRecord> {
    const conversation = await this.store.getConversation(handoff.conversationId);
    if (this.options.emailFollowUp === false) {
      const next = (await this.store.handoffs.updateHandoff(handoff.id, { followUp: { why, state: 'reply_here', email: null, offeredAt: this.iso() } })) ?? handoff;
      const { contact } = await this.reach(conversation?.scope ?? null);
      await this.tellCustomer(next, followUpText(why, null, this.options.hours, false, contact), 'bot');
      await this.guard('tell the desk', () => this.desk?.post(next, { kind: 'notice', text: 'Nobody claimed this yet; the customer was told the team will reply here (no e-mail follow-up is configured).' }));
      return next;
    }
    const email = typeof conversation?.metadata.email === 'string' ? conversation.metadata.email : conversation?.userId.includes('@') ? conversation.userId : null;
    let next =
      (await this.store.handoffs.updateHandoff(handoff.id, { followUp: { why, state: email ? 'scheduled' : 'awaiting_email', email, offeredAt: this.iso() } })) ?? handoff;
    await this.tellCustomer(next, followUpText(why, email, this.options.hours), 'bot');
    if (email) next = await this.ticketForFollowUp(next, email);
    await this.guard('tell the desk', () => this.desk?.post(next, { kind: 'notice', text: email ? `E-mail follow-up offered to ${email}.` : 'E-mail follow-up offered; asked the customer for their address.' }));
    return next;
  }

  private async takeEmail(ctx: TurnContext, handoff: HandoffRecord): Promise<boolean> {
    if (handoff.followUp?.state !== 'awaiting_email') return false;
    const email = findEmail(ctx.activity.text);
    if (!email) return false;
    ctx.conversation = await this.store.updateConversation(ctx.conversation.id, { metadata: { email } });
    const next = (await this.store.handoffs.updateHandoff(handoff.id, { followUp: { ...handoff.followUp, state: 'scheduled', email } })) ?? handoff;
    await this.ticketForFollowUp(next, email);
    await ctx.send({ text: `Thanks — we'll follow up by e-mail at ${email}.`, action: 'handoff', handoff: { reason: handoff.reason } });
    return true;
  }

  private async ticketForFollowUp(handoff: HandoffRecord, email: string): Promise<HandoffRecord> {
    let next = handoff;
    if (this.ticketing && !next.ticket) next = await this.createTicket(next, email);
    if (next.ticket && this.ticketing && next.ticket.system === this.ticketing.system) {
      const { ticket } = next;
      await this.guard('comment on the ticket', () => this.ticketing!.addComment(ticket.id, { body: `The customer asked for an e-mail follow-up at ${email}.`, public: false }));
      return next;
    }
    // No helpdesk: the follow-up ticket is the stored handoff itself.
    return (await this.store.handoffs.updateHandoff(next.id, { ticket: { system: 'parley', id: next.id } })) ?? next;
  }

  private async relayCustomer(handoff: HandoffRecord, activity: Activity): Promise<void> {
    const photos = activity.attachments?.length ? ` [${activity.attachments.length} attachment(s)]` : '';
    const text = `${activity.text}${photos}`.trim();
    if (!text) return;
    await this.desk?.post(handoff, { kind: 'customer', text });
    if (handoff.ticket && this.ticketing && handoff.ticket.system === this.ticketing.system) await this.ticketing.addComment(handoff.ticket.id, { body: `Customer: ${text}`, public: false });
    await this.emit('message', handoff, { message: { role: 'customer', text } });
  }

  private async openOnDesk(handoff: HandoffRecord, outOfHours: boolean): Promise<HandoffRecord> {
    const desk = this.desk;
    if (!desk) return handoff;
    const opened = await this.guard('post the escalation card', async () => desk.open(await buildCard(this.store, this.options.knowledge, handoff, outOfHours)));
    if (!opened) return handoff;
    return (await this.store.handoffs.updateHandoff(handoff.id, { desk: opened.desk, deskThread: opened.deskThread })) ?? handoff;
  }

  private async createTicket(handoff: HandoffRecord, email?: string): Promise<HandoffRecord> {
    const ticketing = this.ticketing;
    if (!ticketing) return handoff;
    const card = await buildCard(this.store, this.options.knowledge, handoff, false);
    const transcript = (await this.store.listMessages(handoff.conversationId)).map((m) => `[${m.createdAt}] ${m.role}: ${m.text}`).join('\n');
    const id = await this.guard('create the helpdesk ticket', () =>
      ticketing.createTicket({
        subject: `Parley handoff (${reasonText(handoff.reason)}): ${card.suggestion?.question ?? card.customer.id}`.slice(0, 150),
        body: `${card.summary}\n\nChannel: ${card.channel}\nConversation: ${handoff.conversationId}\n\nTranscript:\n${transcript}`,
        requester: { name: card.customer.name ?? card.customer.id, email: email ?? card.customer.email },
        tags: ['parley', `handoff_${handoff.reason}`],
        externalId: handoff.conversationId,
      }),
    );
    if (!id) return handoff;
    return (await this.store.handoffs.updateHandoff(handoff.id, { ticket: { system: ticketing.system, id } })) ?? handoff;
  }

  private async apply(handoffId: string, action: HandoffAction, agent: Agent | undefined, patch: Partial<HandoffRecord>): Promise<DeskActionResult> {
    const current = await this.store.handoffs.getHandoff(handoffId);
    if (!current) return { ok: false, reason: 'unknown' };
    const step = transition(current, action, agent?.id);
    if (!step.ok) return { ok: false, reason: step.reason, handoff: current };
    if (!step.changed) return { ok: true, handoff: current, changed: false };
    const expect: HandoffStatus[] = [current.status];
    const updated = await this.store.handoffs.updateHandoff(handoffId, { ...patch, status: step.status }, expect);
    // Someone else acted first (two clicks at once): report what the record says now.
    if (!updated) return { ok: false, reason: 'claimed_by_other', ...(await this.withRecord(handoffId)) };
    await this.refreshCard(updated);
    return { ok: true, handoff: updated, changed: true };
  }

  private async withRecord(id: string): Promise<{ handoff?: HandoffRecord }> {
    const handoff = await this.store.handoffs.getHandoff(id);
    return handoff ? { handoff } : {};
  }

  private async refreshCard(handoff: HandoffRecord): Promise<void> {
    const desk = this.desk;
    if (!desk || !handoff.deskThread) return;
    await this.guard('update the card', async () => desk.update(await buildCard(this.store, this.options.knowledge, handoff, handoff.followUp?.why === 'out_of_hours')));
  }

  private async finish(handoff: HandoffRecord, status: 'resolved' | 'returned'): Promise<void> {
    const updated = await this.store.handoffs.updateHandoff(handoff.id, { status, closedAt: this.iso() }, ['waiting', 'claimed']);
    if (updated) await this.refreshCard(updated);
  }

  private async tellCustomer(handoff: HandoffRecord, text: string, role: 'system' | 'bot' = 'system'): Promise<void> {
    const conversation = await this.store.getConversation(handoff.conversationId);
    if (!conversation) return;
    const activity: Activity = {
      id: newId('act'),
      type: 'message',
      channel: conversation.channel,
      conversationId: conversation.id,
      from: { id: 'parley', role },
      text,
      timestamp: this.iso(),
      action: 'handoff',
      handoff: { reason: handoff.reason },
    };
    await this.guard('tell the customer', () => this.options.deliver(activity));
  }

  private async emit(type: HandoffEventType, handoff: HandoffRecord, extra: { agent?: Agent; message?: { role: 'customer' | 'agent'; text: string } } = {}): Promise<void> {
    if (!this.observers.length) return;
    const conversation = await this.store.getConversation(handoff.conversationId);
    const event = {
      type,
      at: this.iso(),
      handoff,
      conversation: { id: handoff.conversationId, userId: conversation?.userId ?? '', channel: conversation?.channel ?? '', status: conversation?.status ?? 'closed' },
      ...extra,
    };
    for (const observer of this.observers) await this.guard(`notify an observer of ${type}`, () => observer.onEvent(event));
  }

  /** Runs a side effect whose failure must not fail the caller (a desk or helpdesk outage); logs and returns undefined. */
  private async guard<T>(what: string, work: () => Promise<T> | undefined): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn({ err: error }, `handoff: could not ${what}`);
      return undefined;
    }
  }
}
