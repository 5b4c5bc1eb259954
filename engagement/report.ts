import type { SendRecord, SendSignalKind, Store } from '../bot/core/index.js';
import type { Campaign } from './campaigns.js';

/** The figures of one variant (or of the holdout group). */
export interface VariantReport {
  variant: string;
  /** Customers assigned to it. */
  assigned: number;
  /** Messages handed to the channel's outbox. */
  sent: number;
  /** Still waiting (due, deferred by quiet hours, being sent). */
  waiting: number;
  skipped: Record<string, number>;
  failed: number;
  delivered: number;
  opened: number;
  clicked: number;
  replied: number;
  /** Customers with an order within the conversion window after the send (the holdout: after being assigned). */
  converted: number;
  /** converted / sent (holdout: converted / assigned); null without any. */
  conversionRate: number | null;
}

/** `parley engage report`: per variant and for the holdout, plus the lift of sending over holding out. */
export interface CampaignReport {
  campaign: string;
  conversionWindowDays: number;
  variants: VariantReport[];
  holdout: VariantReport | null;
  /** Conversion rate of everyone sent to minus the holdout's; null without both. */
  lift: number | null;
}

const DAY = 86_400_000;
const SENT_STATES = new Set(['queued']);
const DELIVERED_STATUSES = new Set(['delivered', 'read']);

/**
 * Attributes what the channels reported since the last look: SMS delivery (Twilio status callbacks recorded for the
 * send's message SIDs), held chat messages delivered later (their outbox row sent) and replies (a customer message in the send's conversation after it was sent).
 */
export async function attributeSignals(store: Store, sends: readonly SendRecord[]): Promise<void> {
  const signals = await store.engagement.listSignals(sends.map((s) => s.id));
  const has = (id: string, kind: SendSignalKind) => signals.some((s) => s.sendId === id && s.kind === kind);
  for (const send of sends) {
    if (!SENT_STATES.has(send.status) || !send.sentAt) continue;
    if (send.channel === 'sms' && !has(send.id, 'delivered')) {
      const ids = Array.isArray(send.payload.messageIds) ? (send.payload.messageIds as string[]) : [];
      const statuses = await Promise.all(ids.map((id) => store.getDeliveryStatus('twilio', id)));
      if (ids.length && statuses.every((s) => s && DELIVERED_STATUSES.has(s.status))) await store.engagement.recordSignal(send.id, 'delivered');
    }
    if (send.reason === 'held_until_customer_returns' && !has(send.id, 'delivered')) {
      // A chat message held for the customer (web chat with no socket open, Teams from the CLI): delivered once its
      // outbox row is sent (shown in the history of their next visit, or sent by the server's delivery retries).
      const [row] = await store.listOutboundFor(`engage:${send.id}`);
      if (row?.status === 'sent') await store.engagement.recordSignal(send.id, 'delivered');
    }
    if (send.conversationId && !has(send.id, 'replied')) {
      const messages = await store.listMessages(send.conversationId);
      const reply = messages.find((m) => m.role === 'customer' && m.createdAt > (send.sentAt as string));
      if (reply) await store.engagement.recordSignal(send.id, 'replied', reply.createdAt);
    }
  }
}

/** The report of `campaign` at `now`: sends by variant, their signals, conversions within the window, the holdout. */
export async function campaignReport(store: Store, campaign: Campaign, now = new Date()): Promise<CampaignReport> {
  const sends = await store.engagement.listSends({ campaign: campaign.name });
  await attributeSignals(store, sends);
  const signals = await store.engagement.listSignals(sends.map((s) => s.id));
  const window = campaign.conversionWindowDays * DAY;
  const ordersOf = new Map<string, string[]>();
  for (const customerId of new Set(sends.map((s) => s.customerId))) {
    ordersOf.set(customerId, (await store.engagement.listEvents(customerId)).filter((e) => e.type === 'order').map((e) => e.at));
  }
  const converted = (send: SendRecord): boolean => {
    const from = Date.parse(send.sentAt ?? send.dueAt);
    const until = Math.min(from + window, now.getTime());
    return (ordersOf.get(send.customerId) ?? []).some((at) => Date.parse(at) > from && Date.parse(at) <= until);
  };
  const figures = (variant: string, group: SendRecord[]): VariantReport => {
    const count = (kind: SendSignalKind) => group.filter((s) => signals.some((x) => x.sendId === s.id && x.kind === kind)).length;
    const sent = group.filter((s) => SENT_STATES.has(s.status));
    const skipped: Record<string, number> = {};
    for (const send of group.filter((s) => s.status === 'skipped')) skipped[send.reason ?? 'unknown'] = (skipped[send.reason ?? 'unknown'] ?? 0) + 1;
    const isHoldout = variant === 'holdout';
    const conversions = (isHoldout ? group : sent).filter(converted).length;
    const base = isHoldout ? group.length : sent.length;
    return {
      variant,
      assigned: group.length,
      sent: sent.length,
      waiting: group.filter((s) => s.status === 'due' || s.status === 'sending').length,
      skipped,
      failed: group.filter((s) => s.status === 'failed').length,
      delivered: count('delivered'),
      opened: count('opened'),
      clicked: count('clicked'),
      replied: count('replied'),
      converted: conversions,
      conversionRate: base ? Number((conversions / base).toFixed(4)) : null,
    };
  };
  const variants = campaign.variants.map((v) => figures(v.name, sends.filter((s) => s.variant === v.name)));
  const held = sends.filter((s) => s.variant === 'holdout');
  const holdout = campaign.holdout > 0 || held.length ? figures('holdout', held) : null;
  const sentTotal = variants.reduce((n, v) => n + v.sent, 0);
  const convertedTotal = variants.reduce((n, v) => n + v.converted, 0);
  const lift = holdout?.conversionRate != null && sentTotal ? Number((convertedTotal / sentTotal - holdout.conversionRate).toFixed(4)) : null;
  return { campaign: campaign.name, conversionWindowDays: campaign.conversionWindowDays, variants, holdout, lift };
}

/** The report as text for the terminal. */
export function formatReport(report: CampaignReport): string {
  const rows = [...report.variants, ...(report.holdout ? [report.holdout] : [])];
  const header = 'variant      assigned  sent  delivered  opened  clicked  replied  converted  rate    skipped';
  const lines = rows.map((r) =>
    [
      r.variant.padEnd(12),
      String(r.assigned).padStart(8),
      String(r.sent).padStart(5),
      String(r.delivered).padStart(10),
      String(r.opened).padStart(7),
      String(r.clicked).padStart(8),
      String(r.replied).padStart(8),
      String(r.converted).padStart(10),
      (r.conversionRate === null ? '-' : `${(r.conversionRate * 100).toFixed(1)}%`).padStart(6),
      '  ' + (Object.entries(r.skipped).map(([k, n]) => `${k} ${n}`).join(', ') || '-'),
    ].join(' '),
  );
  return [`campaign ${report.campaign} (conversions within ${report.conversionWindowDays} days)`, header, ...lines, `lift over holdout: ${report.lift === null ? '-' : `${(report.lift * 100).toFixed(1)} points`}`].join('\n');
}
